/*
 * genai-science.js: the maths of the in-browser calculators, a line-for-line port of
 * genai_notes.science (memory, peft, scaling, sampling, units, parallelism, hardware) and
 * genai_notes.calculators.
 * Every function keeps its Python name in camelCase and is attached to window.genaiNotes;
 * constants come from genai-constants.js, generated from Python by scripts/gen-constants.
 * tests/browser/test_calculators.py compares these functions with Python on random inputs.
 * No DOM, no network.
 */
(function () {
  "use strict";

  var C = window.genaiNotesConstants;
  if (!C) {
    throw new Error("genai-science.js needs genai-constants.js loaded first");
  }

  // --- argument checks (genai_notes.science._validate) ------------------------------

  function repr(value) {
    return typeof value === "string" ? "'" + value + "'" : String(value);
  }

  function positiveNumber(name, value) {
    if (typeof value !== "number" || !isFinite(value) || value <= 0) {
      throw new RangeError(name + " must be a finite number > 0, got " + repr(value));
    }
    return value;
  }

  function positiveInt(name, value) {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      throw new RangeError(name + " must be an integer >= 1, got " + repr(value));
    }
    return value;
  }

  function oneOf(name, value, allowed) {
    if (allowed.indexOf(value) < 0) {
      var listed = allowed.map(repr).join(", ");
      throw new RangeError(name + " must be one of " + listed + ", got " + repr(value));
    }
    return value;
  }

  // numpy's pairwise summation (np.sum of a contiguous float64 array), so that sums agree
  // with Python to the last bit: blocks of 8 partial sums up to 128 values, halves above.
  function npSum(values, start, count) {
    if (start === undefined) {
      start = 0;
      count = values.length;
    }
    var i;
    var res;
    if (count < 8) {
      res = 0;
      for (i = 0; i < count; i++) res += values[start + i];
      return res;
    }
    if (count <= 128) {
      var r = values.slice(start, start + 8);
      var end = count - (count % 8);
      for (i = 8; i < end; i += 8) {
        for (var j = 0; j < 8; j++) r[j] += values[start + i + j];
      }
      res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
      for (; i < count; i++) res += values[start + i];
      return res;
    }
    var half = Math.floor(count / 2);
    half -= half % 8;
    return npSum(values, start, half) + npSum(values, start + half, count - half);
  }

  function cumsum(values) {
    var out = new Array(values.length);
    var total = 0;
    for (var i = 0; i < values.length; i++) {
      total = i === 0 ? values[0] : total + values[i];
      out[i] = total;
    }
    return out;
  }

  // --- units -------------------------------------------------------------------------

  function toGb(nBytes) {
    return nBytes / C.GB;
  }

  function toGib(nBytes) {
    return nBytes / C.GiB;
  }

  // --- memory ------------------------------------------------------------------------

  var DTYPE_NAMES = Object.keys(C.dtypes);

  function breakdown(nParams, items) {
    var total = 0;
    for (var i = 0; i < items.length; i++) total += items[i][1];
    return { nParams: nParams, items: items, total: total };
  }

  function bytesPerParam(dtype) {
    return C.dtypes[oneOf("dtype", dtype, DTYPE_NAMES)];
  }

  function weightsBytes(nParams, dtype) {
    return positiveNumber("n_params", nParams) * bytesPerParam(dtype === undefined ? "fp32" : dtype);
  }

  function courseTrainingBytes(nParams) {
    var n = positiveNumber("n_params", nParams);
    return breakdown(n, [
      ["weights (fp32)", 4.0 * n],
      ["Adam optimizer states (2 x fp32)", 8.0 * n],
      ["gradients (fp32)", 4.0 * n],
      ["activations and temporary memory", 8.0 * n],
    ]);
  }

  function mixedPrecisionAdamBytes(nParams) {
    var n = positiveNumber("n_params", nParams);
    return breakdown(n, [
      ["parameters (fp16)", 2.0 * n],
      ["gradients (fp16)", 2.0 * n],
      ["optimizer: parameter copy (fp32)", 4.0 * n],
      ["optimizer: momentum (fp32)", 4.0 * n],
      ["optimizer: variance (fp32)", 4.0 * n],
    ]);
  }

  function checkStage(stage) {
    if (!Number.isInteger(stage) || !(String(stage) in C.zeroStages)) {
      throw new RangeError("stage must be one of 0, 1, 2, 3, got " + repr(stage));
    }
    return stage;
  }

  function zeroBreakdownPerGpu(nParams, nGpus, stage, optimizerBytes) {
    var n = positiveNumber("n_params", nParams);
    var gpus = positiveInt("n_gpus", nGpus);
    var k = positiveNumber(
      "optimizer_bytes",
      optimizerBytes === undefined ? C.adamMixedPrecisionK : optimizerBytes,
    );
    var checked = checkStage(stage);
    var paramsShare = checked >= 3 ? 1.0 / gpus : 1.0;
    var gradsShare = checked >= 2 ? 1.0 / gpus : 1.0;
    var optimizerShare = checked >= 1 ? 1.0 / gpus : 1.0;
    return breakdown(n, [
      ["parameters (fp16)", 2.0 * n * paramsShare],
      ["gradients (fp16)", 2.0 * n * gradsShare],
      ["optimizer states", k * n * optimizerShare],
    ]);
  }

  function zeroBytesPerGpu(nParams, nGpus, stage, optimizerBytes) {
    return zeroBreakdownPerGpu(nParams, nGpus, stage, optimizerBytes).total;
  }

  function kvCacheBytes(nLayers, nKvHeads, headDim, seqLen, batch, dtype) {
    var counts = [
      positiveInt("n_layers", nLayers),
      positiveInt("n_kv_heads", nKvHeads),
      positiveInt("head_dim", headDim),
      positiveInt("seq_len", seqLen),
      positiveInt("batch", batch === undefined ? 1 : batch),
    ];
    var size = bytesPerParam(dtype === undefined ? "fp16" : dtype);
    var values = 2.0;
    for (var i = 0; i < counts.length; i++) values *= counts[i];
    return values * size;
  }

  function optionalInt(name, value, fallback) {
    return value === undefined || value === null ? fallback : positiveInt(name, value);
  }

  // options: nHeads (required), nKvHeads, headDim, dFf, gatedMlp, tiedEmbeddings.
  function transformerParams(nLayers, dModel, vocab, options) {
    var opts = options || {};
    var layers = positiveInt("n_layers", nLayers);
    var width = positiveInt("d_model", dModel);
    var words = positiveInt("vocab", vocab);
    var heads = positiveInt("n_heads", opts.nHeads);
    var kvHeads = optionalInt("n_kv_heads", opts.nKvHeads, heads);
    var head = optionalInt("head_dim", opts.headDim, Math.max(Math.floor(width / heads), 1));
    var inner = optionalInt("d_ff", opts.dFf, 4 * width);
    var attention = 2 * width * heads * head + 2 * width * kvHeads * head;
    var mlp = (opts.gatedMlp ? 3 : 2) * width * inner;
    var tied = opts.tiedEmbeddings === undefined ? true : opts.tiedEmbeddings;
    var embeddings = (tied ? 1 : 2) * words * width;
    return layers * (attention + mlp) + embeddings;
  }

  function activationBytes(nLayers, dModel, nHeads, seqLen, batch) {
    var layers = positiveInt("n_layers", nLayers);
    var h = positiveInt("d_model", dModel);
    var a = positiveInt("n_heads", nHeads);
    var s = positiveInt("seq_len", seqLen);
    var b = positiveInt("batch", batch === undefined ? 1 : batch);
    var perLayer =
      s * b * h * (C.activationBytesPerElement + (C.attentionScoreBytes * a * s) / h);
    return layers * perLayer;
  }

  // --- peft --------------------------------------------------------------------------

  function loraParams(dIn, dOut, rank) {
    var nIn = positiveInt("d_in", dIn);
    var nOut = positiveInt("d_out", dOut);
    var r = positiveInt("rank", rank);
    var smallest = Math.min(nIn, nOut);
    if (r > smallest) {
      throw new RangeError(
        "rank must be an integer from 1 to min(d_in, d_out) = " + smallest + ", got " + r,
      );
    }
    return r * (nIn + nOut);
  }

  function checkTargets(targets) {
    if (typeof targets === "string" || !Array.isArray(targets)) {
      throw new RangeError("targets must be a list such as ['q', 'v'], got " + repr(targets));
    }
    var checked = targets.map(function (target) {
      return oneOf("targets", target, C.loraTargets);
    });
    var unique = checked.filter(function (t, i) {
      return checked.indexOf(t) === i;
    });
    if (!checked.length || unique.length !== checked.length) {
      throw new RangeError("targets must be non-empty with no repeats, got " + repr(targets));
    }
    return checked;
  }

  function loraModelParams(dModel, nLayers, rank, targets, dFf) {
    var width = positiveInt("d_model", dModel);
    var layers = positiveInt("n_layers", nLayers);
    var checked = checkTargets(targets === undefined ? ["q", "v"] : targets);
    var needsFf = checked.some(function (t) {
      return t.indexOf("ff_") === 0;
    });
    var hasFf = dFf !== undefined && dFf !== null;
    if (needsFf && !hasFf) {
      throw new RangeError("d_ff is required when targets include 'ff_in' or 'ff_out', got None");
    }
    var ffWidth = hasFf ? positiveInt("d_ff", dFf) : 0;
    var perLayer = 0;
    checked.forEach(function (target) {
      if (target === "ff_in") perLayer += loraParams(width, ffWidth, rank);
      else if (target === "ff_out") perLayer += loraParams(ffWidth, width, rank);
      else perLayer += loraParams(width, width, rank);
    });
    return layers * perLayer;
  }

  function nonNegative(name, value) {
    if (typeof value !== "number" || !isFinite(value) || value < 0) {
      throw new RangeError(name + " must be a finite number >= 0, got " + repr(value));
    }
    return value;
  }

  function adapterItems(trainable) {
    return [
      ["adapter weights (16-bit)", 2.0 * trainable],
      ["adapter gradients (16-bit)", 2.0 * trainable],
      ["adapter optimizer states (3 x fp32)", 12.0 * trainable],
    ];
  }

  // options: trainableParams (default 0), doubleQuant (default true).
  function finetuneMemory(nParams, method, options) {
    var opts = options || {};
    var n = positiveNumber("n_params", nParams);
    var checkedMethod = oneOf("method", method, C.finetuneMethods);
    var trainable = nonNegative(
      "trainable_params",
      opts.trainableParams === undefined ? 0 : opts.trainableParams,
    );
    if (checkedMethod === "full") {
      if (trainable !== 0) {
        throw new RangeError(
          "trainable_params must be 0 for method 'full' (every parameter is trained), got " +
            trainable,
        );
      }
      return mixedPrecisionAdamBytes(n);
    }
    var base;
    if (checkedMethod === "lora") {
      base = [["frozen weights (16-bit)", 2.0 * n]];
    } else {
      var doubleQuant = opts.doubleQuant === undefined ? true : opts.doubleQuant;
      var bits = C.qloraBitsPerParam[doubleQuant ? "nf4+dq" : "nf4"];
      base = [
        ["frozen weights (NF4, 4-bit)", (4.0 * n) / 8],
        ["quantization constants", ((bits - 4.0) * n) / 8],
      ];
    }
    return breakdown(n, base.concat(adapterItems(trainable)));
  }

  // --- scaling -----------------------------------------------------------------------

  var FIT_NAMES = Object.keys(C.fits);

  function getFit(fit) {
    return C.fits[oneOf("fit", fit === undefined ? "hoffmann2022" : fit, FIT_NAMES)];
  }

  function trainingFlops(nParams, nTokens) {
    var n = positiveNumber("n_params", nParams);
    var d = positiveNumber("n_tokens", nTokens);
    return C.flopsPerParamPerToken * n * d;
  }

  function pfDays(flops) {
    return positiveNumber("flops", flops) / C.pfDay;
  }

  function flopsFromPfDays(days) {
    return positiveNumber("pf_days", days) * C.pfDay;
  }

  function tokensPerParam(nParams, nTokens) {
    var n = positiveNumber("n_params", nParams);
    var d = positiveNumber("n_tokens", nTokens);
    return d / n;
  }

  function chinchillaLoss(nParams, nTokens, fit) {
    var k = getFit(fit);
    var n = positiveNumber("n_params", nParams);
    var d = positiveNumber("n_tokens", nTokens);
    return k.E + k.A / Math.pow(n, k.alpha) + k.B / Math.pow(d, k.beta);
  }

  // Returns [nParams, nTokens], as the Python tuple.
  function computeOptimal(flops, fit) {
    var k = getFit(fit);
    var budget = positiveNumber("flops", flops);
    var a = k.beta / (k.alpha + k.beta);
    var G = Math.pow((k.alpha * k.A) / (k.beta * k.B), 1.0 / (k.alpha + k.beta));
    var nOpt = G * Math.pow(budget / C.flopsPerParamPerToken, a);
    return [nOpt, budget / (C.flopsPerParamPerToken * nOpt)];
  }

  // --- sampling ----------------------------------------------------------------------

  function checkLogits(logits) {
    if (!Array.isArray(logits) || logits.length === 0) {
      throw new RangeError("logits must be a non-empty 1-D array");
    }
    var anyFinite = false;
    logits.forEach(function (z) {
      if (typeof z !== "number" || isNaN(z) || z === Infinity) {
        throw new RangeError("logits must be finite or -inf (no NaN or +inf values)");
      }
      if (isFinite(z)) anyFinite = true;
    });
    if (!anyFinite) {
      throw new RangeError("logits must contain at least one finite value, got only -inf");
    }
    return logits.slice();
  }

  function checkTopK(topK) {
    return topK === undefined || topK === null ? null : positiveInt("top_k", topK);
  }

  function checkTopP(topP) {
    if (topP === undefined || topP === null) return null;
    if (typeof topP !== "number" || !(topP > 0 && topP <= 1)) {
      throw new RangeError("top_p must be in (0, 1], got " + repr(topP));
    }
    return topP;
  }

  function scale(logits, temperature) {
    var scaled = logits.map(function (z) {
      return z / temperature;
    });
    if (scaled.indexOf(Infinity) >= 0) {
      throw new RangeError(
        "logits / temperature overflowed to +inf; use a temperature above " + temperature,
      );
    }
    return scaled;
  }

  function rawSoftmax(scaled) {
    var top = Math.max.apply(null, scaled);
    var weights = scaled.map(function (z) {
      return Math.exp(z - top);
    });
    var total = npSum(weights);
    return weights.map(function (w) {
      return w / total;
    });
  }

  function softmax(logits, temperature) {
    var array = checkLogits(logits);
    var t = positiveNumber("temperature", temperature === undefined ? 1.0 : temperature);
    return rawSoftmax(scale(array, t));
  }

  function topKMask(scaled, topK) {
    if (topK === null || topK >= scaled.length) {
      return scaled.map(function () {
        return true;
      });
    }
    // Descending; a comparator without subtraction, since -inf - -inf is NaN.
    var sorted = scaled.slice().sort(function (x, y) {
      return x > y ? -1 : x < y ? 1 : 0;
    });
    var kth = sorted[topK - 1];
    return scaled.map(function (z) {
      return z >= kth;
    });
  }

  // numpy.spacing(x) for x > 0: the gap from x to the next larger double.
  function spacing(x) {
    if (x < 2.2250738585072014e-308) return 5e-324;
    var e = Math.floor(Math.log2(x));
    if (Math.pow(2, e) > x) e -= 1;
    else if (Math.pow(2, e + 1) <= x) e += 1;
    return Math.pow(2, e - 52);
  }

  // sampling.top_p_tolerance: "reaches top_p" allows TOP_P_ULPS ulps of rounding.
  var TOP_P_ULPS = C.topPUlps;

  function topPTolerance(topP) {
    return TOP_P_ULPS * spacing(topP);
  }

  function topPMask(probs, topP) {
    if (topP === null || topP === 1.0) {
      return probs.map(function () {
        return true;
      });
    }
    // Stable descending order: ties keep the lower index first, as argsort(-p, stable).
    var order = probs.map(function (_, i) {
      return i;
    });
    order.sort(function (i, j) {
      return probs[j] - probs[i] || i - j;
    });
    var ranked = order.map(function (i) {
      return probs[i];
    });
    var running = cumsum(ranked);
    var tolerance = topPTolerance(topP);
    var mask = probs.map(function () {
      return false;
    });
    order.forEach(function (index, rank) {
      mask[index] = rank === 0 || running[rank] - ranked[rank] < topP - tolerance;
    });
    return mask;
  }

  function maskedSoftmax(scaled, mask) {
    return rawSoftmax(
      scaled.map(function (z, i) {
        return mask[i] ? z : -Infinity;
      }),
    );
  }

  // options: temperature (default 1), topK (null = off), topP (null = off).
  function stages(logits, options) {
    var opts = options || {};
    var array = checkLogits(logits);
    var t = positiveNumber("temperature", opts.temperature === undefined ? 1.0 : opts.temperature);
    var k = checkTopK(opts.topK);
    var p = checkTopP(opts.topP);
    var scaled = scale(array, t);
    var keptTopK = topKMask(scaled, k).map(function (kept, i) {
      return kept && isFinite(scaled[i]);
    });
    var afterTopK = maskedSoftmax(scaled, keptTopK);
    var kept = topPMask(afterTopK, p).map(function (keep, i) {
      return keep && keptTopK[i];
    });
    var afterTopP = maskedSoftmax(scaled, kept);
    return {
      logits: array,
      scaledLogits: scaled,
      probs: rawSoftmax(scaled),
      keptTopK: keptTopK,
      afterTopK: afterTopK,
      kept: kept,
      afterTopP: afterTopP,
      final: afterTopP,
      temperature: t,
      topK: k,
      topP: p,
    };
  }

  function nextTokenProbs(logits, options) {
    return stages(logits, options).final;
  }

  function greedy(logits) {
    var array = checkLogits(logits);
    var best = 0;
    for (var i = 1; i < array.length; i++) if (array[i] > array[best]) best = i;
    return best;
  }

  function checkProbs(probs) {
    if (!Array.isArray(probs) || probs.length === 0) {
      throw new RangeError("probs must be a non-empty 1-D array");
    }
    probs.forEach(function (p) {
      if (typeof p !== "number" || !isFinite(p) || p < 0) {
        throw new RangeError("probs must be finite and >= 0");
      }
    });
    var total = npSum(probs);
    if (!(Math.abs(total - 1.0) <= 1e-6)) {
      throw new RangeError("probs must sum to 1 (within 1e-6), got a sum of " + total);
    }
    return probs;
  }

  // rng: a function returning a uniform number in [0, 1), like numpy's Generator.random.
  function sample(probs, rng) {
    var array = checkProbs(probs);
    var cumulative = cumsum(array);
    var target = rng() * cumulative[cumulative.length - 1];
    // searchsorted(side="right"): the first index whose cumulative value exceeds target.
    var index = 0;
    while (index < cumulative.length && cumulative[index] <= target) index++;
    var lastPossible = 0;
    for (var i = 0; i < array.length; i++) if (array[i] > 0) lastPossible = i;
    return Math.min(index, lastPossible);
  }

  function entropy(probs, base) {
    var array = checkProbs(probs);
    var b = positiveNumber("base", base === undefined ? Math.E : base);
    if (b === 1.0) throw new RangeError("base must be a finite number > 0 other than 1, got 1.0");
    var terms = array
      .filter(function (p) {
        return p > 0;
      })
      .map(function (p) {
        return p * Math.log(p);
      });
    var nats = -npSum(terms);
    return Math.max(nats, 0.0) / Math.log(b);
  }

  // A small seeded generator (mulberry32) for the playground's reproducible histograms.
  // Not numpy's PCG64: the same seed gives a different, but fixed, sequence.
  function seededRandom(seed) {
    var state = seed >>> 0;
    return function () {
      state = (state + 0x6d2b79f5) >>> 0;
      var x = state;
      x = Math.imul(x ^ (x >>> 15), x | 1);
      x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
  }

  // --- parallelism (genai_notes.science.parallelism) ----------------------------------

  var P = C.parallelism;

  function divides(what, part, wholeName, whole) {
    if (whole % part !== 0) {
      throw new RangeError(
        what + " must divide " + wholeName + " evenly: " + whole + " % " + part + " != 0",
      );
    }
  }

  function zeroShares(stage, dp) {
    if (typeof stage !== "number" || [0, 1, 2, 3].indexOf(stage) < 0) {
      throw new RangeError("zero_stage must be one of 0, 1, 2, 3, got " + repr(stage));
    }
    return [stage >= 3 ? 1.0 / dp : 1.0, stage >= 2 ? 1.0 / dp : 1.0, stage >= 1 ? 1.0 / dp : 1.0];
  }

  function modelStatesBytesPerGpu(nParams, tp, pp, dp, zeroStage) {
    var n = positiveNumber("n_params", nParams);
    var modelParallel =
      positiveInt("tp", tp === undefined ? 1 : tp) * positiveInt("pp", pp === undefined ? 1 : pp);
    var shares = zeroShares(zeroStage === undefined ? 0 : zeroStage, positiveInt("dp", dp === undefined ? 1 : dp));
    return (n / modelParallel) * (2.0 * shares[0] + 2.0 * shares[1] + 12.0 * shares[2]);
  }

  // options: tp, cp, sequenceParallel, recompute (the keyword arguments).
  function activationBytesPerLayer(dModel, nHeads, seqLen, microBatch, options) {
    var o = options || {};
    var h = positiveInt("d_model", dModel);
    var a = positiveInt("n_heads", nHeads);
    var s = positiveInt("seq_len", seqLen);
    var b = positiveInt("micro_batch", microBatch === undefined ? 1 : microBatch);
    var t = positiveInt("tp", o.tp === undefined ? 1 : o.tp);
    var c = positiveInt("cp", o.cp === undefined ? 1 : o.cp);
    var mode = oneOf("recompute", o.recompute === undefined ? "none" : o.recompute, P.recompute);
    var sp = Boolean(o.sequenceParallel);
    divides("tp", t, "n_heads", a);
    divides("cp", c, "seq_len", s);
    var local = (s / c) * b * h;
    if (mode === "full") return (P.fullRecomputeBytes * local) / (sp ? t : 1);
    var linear = sp
      ? P.activationBytes16bit / t
      : P.activationBytesReplicated + (P.activationBytes16bit - P.activationBytesReplicated) / t;
    var scores = mode === "selective" ? 0.0 : (P.attentionScoreBytes * a * s) / (h * t);
    return local * (linear + scores);
  }

  // options: the keyword arguments of training_memory_per_gpu, in camelCase.
  function trainingMemoryPerGpu(options) {
    var o = options;
    var n = positiveNumber("n_params", o.nParams);
    var layers = positiveInt("n_layers", o.nLayers);
    var stages = positiveInt("pp", o.pp === undefined ? 1 : o.pp);
    divides("pp (pipeline stages)", stages, "n_layers", layers);
    var t = positiveInt("tp", o.tp === undefined ? 1 : o.tp);
    var replicas = positiveInt("dp", o.dp === undefined ? 1 : o.dp);
    var policy = oneOf("precision", o.precision === undefined ? "bf16-mixed" : o.precision, Object.keys(P.precisions));
    var bytes = P.precisions[policy];
    var optimizer = oneOf("optimizer", o.optimizer === undefined ? "adam" : o.optimizer, Object.keys(P.optimizers));
    var stateBytes = P.optimizers[optimizer];
    var inFlight =
      o.nMicrobatches === undefined || o.nMicrobatches === null
        ? stages
        : positiveInt("n_microbatches", o.nMicrobatches);
    var shares = zeroShares(o.zeroStage === undefined ? 0 : o.zeroStage, replicas);
    var local = n / (t * stages);
    var perLayer = activationBytesPerLayer(o.dModel, o.nHeads, o.seqLen, o.microBatch === undefined ? 1 : o.microBatch, {
      tp: t,
      cp: o.cp === undefined ? 1 : o.cp,
      sequenceParallel: o.sequenceParallel,
      recompute: o.recompute === undefined ? "none" : o.recompute,
    });
    var actScale = policy === "fp32" ? 2.0 : 1.0;
    var activations = actScale * perLayer * Math.floor(layers / stages) * Math.min(stages, inFlight);
    var items = [
      ["weights", bytes[0] * local * shares[0]],
      ["gradients", bytes[1] * local * shares[1]],
    ];
    if (bytes[2]) items.push(["master weights (fp32)", bytes[2] * local * shares[2]]);
    items.push(["optimizer states", stateBytes * local * shares[2]]);
    items.push(["activations", activations]);
    return breakdown(n, items);
  }

  // --- hardware (genai_notes.science.hardware) ----------------------------------------

  var HW = C.hardware;

  // shape: an entry of constants.hardware.models (snake_case keys, as in Python).
  function shapeParams(shape) {
    var h = shape.d_model;
    var kv = shape.n_kv_heads * shape.head_dim;
    var attention = 2 * h * shape.n_heads * shape.head_dim + 2 * h * kv;
    var expert = 3 * h * shape.d_ff;
    var router = shape.n_experts > 1 ? h * shape.n_experts : 0;
    var embeddings = 2 * shape.vocab * h;
    var total = shape.n_layers * (attention + shape.n_experts * expert + router) + embeddings;
    var active = shape.n_layers * (attention + shape.experts_per_token * expert + router) + embeddings;
    return [total, active];
  }

  // options: unquantizedParams (default 0).
  function servingWeightsBytes(nParams, fmt, options) {
    var o = options || {};
    var n = positiveNumber("n_params", nParams);
    var bits = HW.weightFormats[oneOf("format", fmt, Object.keys(HW.weightFormats))];
    var kept = o.unquantizedParams === undefined ? 0.0 : o.unquantizedParams;
    if (typeof kept !== "number" || !(kept >= 0 && kept <= n)) {
      throw new RangeError("unquantized_params must be from 0 to n_params, got " + repr(kept));
    }
    return ((n - kept) * bits) / 8.0 + kept * 2.0;
  }

  function kvBytesPerToken(nLayers, nKvHeads, headDim, kvFormat, tp) {
    var layers = positiveInt("n_layers", nLayers);
    var heads = positiveInt("n_kv_heads", nKvHeads);
    var width = positiveInt("head_dim", headDim);
    var f = kvFormat === undefined ? "bf16" : kvFormat;
    var size = HW.kvFormats[oneOf("kv_format", f, Object.keys(HW.kvFormats))];
    var localHeads = Math.ceil(heads / positiveInt("tp", tp === undefined ? 1 : tp));
    return 2.0 * layers * localHeads * width * size;
  }

  function freeBytes(memoryBytes, weightBytes, usableFraction) {
    var memory = positiveNumber("memory_bytes", memoryBytes);
    var weights = positiveNumber("weight_bytes", weightBytes);
    var fraction = positiveNumber("usable_fraction", usableFraction === undefined ? 0.9 : usableFraction);
    if (fraction > 1) throw new RangeError("usable_fraction must be in (0, 1], got " + repr(fraction));
    return fraction * memory - weights;
  }

  // options: usableFraction (default 0.9).
  function maxConcurrentSequences(memoryBytes, weightBytes, kvPerToken, context, options) {
    var o = options || {};
    var free = freeBytes(memoryBytes, weightBytes, o.usableFraction);
    var perSequence = positiveNumber("kv_per_token", kvPerToken) * positiveInt("context", context);
    return Math.max(0, Math.floor(free / perSequence));
  }

  function maxContextTokens(memoryBytes, weightBytes, kvPerToken, batch, options) {
    var o = options || {};
    var free = freeBytes(memoryBytes, weightBytes, o.usableFraction);
    var perToken = positiveNumber("kv_per_token", kvPerToken) * positiveInt("batch", batch === undefined ? 1 : batch);
    return Math.max(0, Math.floor(free / perToken));
  }

  function expertsTouched(nExperts, expertsPerToken, batch) {
    var e = positiveInt("n_experts", nExperts);
    var k = positiveInt("experts_per_token", expertsPerToken);
    var b = positiveInt("batch", batch);
    if (k > e) throw new RangeError("experts_per_token must be from 1 to n_experts = " + e + ", got " + k);
    return e * (1.0 - Math.pow(1.0 - k / e, b));
  }

  // options: flopsPerToken, peakFlops (both or neither).
  function decodeTokensPerSecond(bandwidthBytesS, weightBytesRead, kvBytesPerSequence, batch, options) {
    var o = options || {};
    var bandwidth = positiveNumber("bandwidth_bytes_s", bandwidthBytesS);
    var weights = positiveNumber("weight_bytes_read", weightBytesRead);
    var kv = kvBytesPerSequence;
    if (typeof kv !== "number" || !(kv >= 0) || !isFinite(kv)) {
      throw new RangeError("kv_bytes_per_sequence must be a finite number >= 0, got " + repr(kv));
    }
    var b = positiveInt("batch", batch === undefined ? 1 : batch);
    var step = (weights + b * kv) / bandwidth;
    if (o.flopsPerToken !== undefined && o.flopsPerToken !== null) {
      var flops = positiveNumber("flops_per_token", o.flopsPerToken);
      var peak = positiveNumber("peak_flops", o.peakFlops);
      step = Math.max(step, (b * flops) / peak);
    }
    return 1.0 / step;
  }

  function weightBytesRead(nParams, activeParams, nExperts, expertsPerToken, batch, bytesPerParam) {
    var n = positiveNumber("n_params", nParams);
    var active = positiveNumber("active_params", activeParams);
    if (active > n) throw new RangeError("active_params must be at most n_params, got " + repr(active));
    var touched = expertsTouched(nExperts, expertsPerToken, batch);
    if (nExperts === expertsPerToken) return n * bytesPerParam;
    var perExpert = (n - active) / (nExperts - expertsPerToken);
    var shared = n - nExperts * perExpert;
    return (shared + touched * perExpert) * bytesPerParam;
  }

  // o: the keyword arguments of hardware.serving_estimate in camelCase; o.gpu an entry of
  // constants.hardware.gpus (snake_case keys). Returns the ServingEstimate fields in camelCase.
  function servingEstimate(o) {
    var kept = o.keepEmbeddings ? o.embeddingParams : 0.0;
    var weights = servingWeightsBytes(o.nParams, o.fmt, { unquantizedParams: kept });
    var gpus = positiveInt("tp", o.tp === undefined ? 1 : o.tp);
    var localWeights = weights / gpus;
    var kvToken = kvBytesPerToken(o.nLayers, o.nKvHeads, o.headDim, o.kvFormat, gpus);
    var memory = o.gpu.memory_gb * 1e9;
    var fraction = { usableFraction: o.usableFraction === undefined ? 0.9 : o.usableFraction };
    var context = o.context === undefined ? 8192 : o.context;
    var batch = o.batch === undefined ? 1 : o.batch;
    var fit = maxConcurrentSequences(memory, localWeights, kvToken, context, fraction);
    var longest = maxContextTokens(memory, localWeights, kvToken, batch, fraction);
    var perParam = weights / o.nParams;
    var bandwidth = o.gpu.bandwidth_gb_s * 1e9 * gpus;
    var precision = (o.fmt === "fp8" || o.fmt === "int8") && "fp8" in o.gpu.dense_tflops ? "fp8" : "bf16";
    var peak = o.gpu.dense_tflops[precision] * 1e12 * gpus;
    var kvReplica = kvToken * gpus * context;
    var speed = function (b) {
      var read = weightBytesRead(o.nParams, o.activeParams, o.nExperts, o.expertsPerToken, b, perParam);
      return decodeTokensPerSecond(bandwidth, read, kvReplica, b, {
        flopsPerToken: 2 * o.activeParams,
        peakFlops: peak,
      });
    };
    var perRequest = speed(batch);
    return {
      weightsPerGpu: localWeights,
      kvPerToken: kvToken,
      kvPerSequence: kvToken * context,
      fit: fit,
      longestContext: longest,
      decodeBatch1: speed(1),
      decodePerRequest: perRequest,
      decodeTotal: batch * perRequest,
    };
  }

  // --- genai_notes.calculators ---------------------------------------------------------

  function flopsFromGpuHours(nGpus, hours, peakTflops, utilization) {
    var gpus = positiveNumber("n_gpus", nGpus);
    var time = positiveNumber("hours", hours);
    var peak = positiveNumber("peak_tflops", peakTflops);
    var used = positiveNumber("utilization", utilization);
    if (used > 1) throw new RangeError("utilization must be in (0, 1], got " + utilization);
    return gpus * time * 3600.0 * peak * 1e12 * used;
  }

  // options: nParams, nLayers, dModel, nHeads, nKvHeads, headDim, seqLen, batch, stage,
  // nGpus, loraRank, loraTargets, dFf (the keyword arguments of vram_breakdown).
  function vramBreakdown(mode, dtype, options) {
    var o = options;
    var checkedMode = oneOf("mode", mode, C.memoryModes);
    var n = positiveNumber("n_params", o.nParams);
    var stage = o.stage === undefined ? 0 : o.stage;
    var nGpus = o.nGpus === undefined ? 1 : o.nGpus;
    var batch = o.batch === undefined ? 1 : o.batch;
    if (checkedMode !== "full" && (stage !== 0 || nGpus !== 1)) {
      throw new RangeError("ZeRO stage and GPU count apply to full fine-tuning only");
    }
    if (checkedMode === "inference") {
      var kvDtype = dtype === "fp32" ? "fp32" : "fp16";
      var weights = weightsBytes(n, dtype);
      var cache = kvCacheBytes(o.nLayers, o.nKvHeads, o.headDim, o.seqLen, batch, kvDtype);
      return breakdown(n, [
        ["weights (" + dtype + ")", weights],
        ["KV cache (" + kvDtype + ")", cache],
      ]);
    }
    positiveInt("n_kv_heads", o.nKvHeads);
    positiveInt("head_dim", o.headDim);
    var activations = [
      "activations (16-bit)",
      activationBytes(o.nLayers, o.dModel, o.nHeads, o.seqLen, batch),
    ];
    if (checkedMode === "full") {
      oneOf("dtype for full fine-tuning (mixed precision)", dtype, ["fp16", "bf16"]);
      var states = zeroBreakdownPerGpu(n, nGpus, stage).items.map(function (item) {
        return [item[0].replace("fp16", dtype), item[1]];
      });
      return breakdown(n, states.concat([activations]));
    }
    if (checkedMode === "lora") {
      oneOf("dtype for LoRA (16-bit frozen weights)", dtype, ["fp16", "bf16"]);
    } else {
      oneOf("dtype for QLoRA (NF4 frozen weights)", dtype, ["int4"]);
    }
    var trainable = loraModelParams(
      o.dModel,
      o.nLayers,
      o.loraRank === undefined ? 8 : o.loraRank,
      o.loraTargets === undefined ? ["q", "v"] : o.loraTargets,
      o.dFf,
    );
    var parts = finetuneMemory(n, checkedMode, { trainableParams: trainable }).items;
    return breakdown(n, parts.concat([activations]));
  }

  window.genaiNotes = {
    constants: C,
    npSum: npSum,
    toGb: toGb,
    toGib: toGib,
    bytesPerParam: bytesPerParam,
    weightsBytes: weightsBytes,
    courseTrainingBytes: courseTrainingBytes,
    mixedPrecisionAdamBytes: mixedPrecisionAdamBytes,
    zeroBreakdownPerGpu: zeroBreakdownPerGpu,
    zeroBytesPerGpu: zeroBytesPerGpu,
    kvCacheBytes: kvCacheBytes,
    transformerParams: transformerParams,
    activationBytes: activationBytes,
    loraParams: loraParams,
    loraModelParams: loraModelParams,
    finetuneMemory: finetuneMemory,
    getFit: getFit,
    trainingFlops: trainingFlops,
    pfDays: pfDays,
    flopsFromPfDays: flopsFromPfDays,
    tokensPerParam: tokensPerParam,
    chinchillaLoss: chinchillaLoss,
    computeOptimal: computeOptimal,
    softmax: softmax,
    stages: stages,
    nextTokenProbs: nextTokenProbs,
    greedy: greedy,
    sample: sample,
    entropy: entropy,
    seededRandom: seededRandom,
    spacing: spacing,
    topPTolerance: topPTolerance,
    flopsFromGpuHours: flopsFromGpuHours,
    vramBreakdown: vramBreakdown,
    modelStatesBytesPerGpu: modelStatesBytesPerGpu,
    parallelism: {
      modelStatesBytesPerGpu: modelStatesBytesPerGpu,
      activationBytesPerLayer: activationBytesPerLayer,
      trainingMemoryPerGpu: trainingMemoryPerGpu,
    },
    hardware: {
      shapeParams: shapeParams,
      weightsBytes: servingWeightsBytes,
      kvBytesPerToken: kvBytesPerToken,
      maxConcurrentSequences: maxConcurrentSequences,
      maxContextTokens: maxContextTokens,
      expertsTouched: expertsTouched,
      decodeTokensPerSecond: decodeTokensPerSecond,
      weightBytesRead: weightBytesRead,
      servingEstimate: servingEstimate,
    },
  };
})();
