/* The notes' tiny GPT in the reader's browser: the byte-level BPE tokenizer and the forward
 * pass of genai_notes.tinylm, in plain JavaScript (no libraries, nothing from other hosts).
 *
 * window.genaiNotes.tinyModel offers
 *   ready                 a promise that resolves to tinyModel once the weights are loaded
 *                         (reading it the first time starts the loading)
 *   vocabSize, contextLength   (null until ready)
 *   encode(text)          token ids; decode(encode(t)) === t for every string t
 *   decode(ids)           text
 *   tokenStrings(ids)     each token's text (bytes decoded leniently), for showing splits
 *   nextTokenLogits(ids)  an Array of vocabSize logits for the token after ids
 *   attention(ids)        attention weights [layer][head][query][key] for a prompt
 *   header                the weights file's header: hyperparameters, training log, ...
 *
 * Where the weights come from. fetch() refuses file:// URLs, so a page opened from disk could
 * not fetch a binary file; a classic <script src> loads from file:// in every browser. The
 * weights therefore ship as javascripts/tinylm-weights.js, which sets
 * window.genaiNotesTinyLMWeights to the weights file in base64, and this script adds that
 * script to the page itself (next to its own URL). When the page is served over http(s) and
 * this script's tag names a binary file in data-weights-bin, that file is fetched instead
 * (a quarter smaller than base64) and the script is the fallback if the fetch fails.
 *
 * The arithmetic is float64 throughout on float32 weights, as genai_notes.tinylm's
 * TrainedModel.next_token_logits does in numpy; the unit tests compare the two.
 */
(function (root) {
  "use strict";

  var WEIGHTS_GLOBAL = "genaiNotesTinyLMWeights";
  var MAGIC = "TLM1";
  // This script's own tag, to find the weights beside it (currentScript is null when the
  // script was added by another script after parsing, so look for the tag by name then).
  var currentScript =
    typeof document === "undefined"
      ? null
      : document.currentScript ||
        Array.prototype.find.call(document.scripts, function (s) {
          return /\/tinylm\.js([?#]|$)/.test(s.src);
        }) ||
        null;

  // ---------------------------------------------------------------- bytes and text

  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var B64_INDEX = new Int16Array(128).fill(-1);
  for (var bi = 0; bi < B64.length; bi++) B64_INDEX[B64.charCodeAt(bi)] = bi;

  function base64ToBytes(text) {
    var clean = text.replace(/[^A-Za-z0-9+/]/g, "");
    var out = new Uint8Array(Math.floor((clean.length * 3) / 4));
    var acc = 0, bits = 0, n = 0;
    for (var i = 0; i < clean.length; i++) {
      acc = (acc << 6) | B64_INDEX[clean.charCodeAt(i)];
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (acc >> bits) & 0xff;
      }
    }
    return out.subarray(0, n);
  }

  function utf8Encode(text) {
    var out = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.codePointAt(i);
      if (c > 0xffff) i++;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else
        out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return out;
  }

  // Lenient UTF-8 decoding (a broken sequence becomes U+FFFD), for token ids that end in
  // the middle of a character.
  function utf8Decode(bytes) {
    if (typeof TextDecoder !== "undefined") return new TextDecoder("utf-8").decode(new Uint8Array(bytes));
    var out = "", i = 0;
    while (i < bytes.length) {
      var b = bytes[i], need = 0, c = 0, min = 0;
      if (b < 0x80) { out += String.fromCharCode(b); i++; continue; }
      if (b >= 0xc2 && b < 0xe0) { need = 1; c = b & 31; min = 0x80; }
      else if (b >= 0xe0 && b < 0xf0) { need = 2; c = b & 15; min = 0x800; }
      else if (b >= 0xf0 && b < 0xf5) { need = 3; c = b & 7; min = 0x10000; }
      else { out += "\ufffd"; i++; continue; }
      var j = 1;
      for (; j <= need && i + j < bytes.length && (bytes[i + j] & 0xc0) === 0x80; j++)
        c = (c << 6) | (bytes[i + j] & 63);
      if (j <= need) { out += "\ufffd"; i += j; continue; } // truncated sequence
      if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) { out += "\ufffd"; i++; continue; }
      out += String.fromCodePoint(c);
      i += need + 1;
    }
    return out;
  }

  // GPT-2's reversible map from bytes to printable characters (byte-level BPE's alphabet).
  var BYTE_CHAR = [], CHAR_BYTE = new Map();
  (function () {
    var keep = [], b;
    for (b = 33; b <= 126; b++) keep.push(b);
    for (b = 161; b <= 172; b++) keep.push(b);
    for (b = 174; b <= 255; b++) keep.push(b);
    var extra = 0;
    for (b = 0; b < 256; b++) {
      var code = keep.indexOf(b) >= 0 ? b : 256 + extra++;
      BYTE_CHAR[b] = String.fromCharCode(code);
      CHAR_BYTE.set(BYTE_CHAR[b], b);
    }
  })();

  // GPT-2's pre-tokenisation, as the tokenizers library's ByteLevel pre-tokenizer uses it.
  var PIECES = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

  // ---------------------------------------------------------------- tokenizer

  function Tokenizer(vocab, merges) {
    this.vocab = vocab;
    this.ids = new Map();
    for (var i = 0; i < vocab.length; i++) this.ids.set(vocab[i], i);
    this.ranks = new Map();
    // Byte-level symbols never contain a space, so "a b" names a pair unambiguously.
    for (var r = 0; r < merges.length; r++) this.ranks.set(merges[r][0] + " " + merges[r][1], r);
    this.cache = new Map();
  }

  // Merge the lowest-ranked adjacent pair, everywhere it occurs, until no pair is a merge.
  Tokenizer.prototype.bpe = function (word) {
    var hit = this.cache.get(word);
    if (hit) return hit;
    var parts = Array.from(word);
    while (parts.length > 1) {
      var best = -1, bestRank = Infinity;
      for (var i = 0; i < parts.length - 1; i++) {
        var rank = this.ranks.get(parts[i] + " " + parts[i + 1]);
        if (rank !== undefined && rank < bestRank) { bestRank = rank; best = i; }
      }
      if (best < 0) break;
      var a = parts[best], b = parts[best + 1], merged = [];
      for (var j = 0; j < parts.length; j++) {
        if (j < parts.length - 1 && parts[j] === a && parts[j + 1] === b) {
          merged.push(a + b);
          j++;
        } else merged.push(parts[j]);
      }
      parts = merged;
    }
    var ids = parts.map(function (p) { return this.ids.get(p); }, this);
    if (this.cache.size < 10000) this.cache.set(word, ids);
    return ids;
  };

  Tokenizer.prototype.encode = function (text) {
    var out = [], match;
    PIECES.lastIndex = 0;
    while ((match = PIECES.exec(text)) !== null) {
      var bytes = utf8Encode(match[0]), word = "";
      for (var i = 0; i < bytes.length; i++) word += BYTE_CHAR[bytes[i]];
      var ids = this.bpe(word);
      for (var k = 0; k < ids.length; k++) out.push(ids[k]);
    }
    return out;
  };

  Tokenizer.prototype.tokenBytes = function (id) {
    var token = this.vocab[id], bytes = [];
    if (token === undefined) throw new RangeError("token id " + id + " is not in the vocabulary");
    for (var ch of token) bytes.push(CHAR_BYTE.get(ch));
    return bytes;
  };

  Tokenizer.prototype.decode = function (ids) {
    var bytes = [];
    for (var i = 0; i < ids.length; i++) {
      var t = this.tokenBytes(ids[i]);
      for (var k = 0; k < t.length; k++) bytes.push(t[k]);
    }
    return utf8Decode(bytes);
  };

  // ---------------------------------------------------------------- model

  function parseWeights(bytes) {
    if (bytes.length < 8 || String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]) !== MAGIC)
      throw new Error("not a tinylm weights file");
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var headerLength = view.getUint32(4, true);
    var header = JSON.parse(utf8Decode(Array.prototype.slice.call(bytes.subarray(8, 8 + headerLength))));
    var start = bytes.byteOffset + 8 + headerLength;
    var tensors = {};
    header.tensors.forEach(function (t) {
      // Float32Array reads the platform's byte order; every browser is little-endian, as the
      // file is, and the data start is 8-byte aligned.
      tensors[t.name] = new Float32Array(bytes.buffer, start + t.offset, t.nbytes / 4);
    });
    return { header: header, tensors: tensors };
  }

  function Model(bytes) {
    var parsed = parseWeights(bytes);
    var hp = parsed.header.hyperparameters;
    this.header = parsed.header;
    this.w = parsed.tensors;
    this.hp = hp;
    this.vocabSize = parsed.header.vocab_size;
    this.contextLength = hp.context;
    this.tokenizer = new Tokenizer(parsed.header.tokenizer.vocab, parsed.header.tokenizer.merges);
  }

  function rmsnorm(x, gain, eps) {
    var n = x.length, ss = 0, i;
    for (i = 0; i < n; i++) ss += x[i] * x[i];
    var inv = 1 / Math.sqrt(ss / n + eps), out = new Float64Array(n);
    for (i = 0; i < n; i++) out[i] = x[i] * inv * gain[i];
    return out;
  }

  // x (length din) times W (din x dout, row-major).
  function matvec(x, w, din, dout) {
    var out = new Float64Array(dout);
    for (var i = 0; i < din; i++) {
      var xi = x[i], row = i * dout;
      if (xi === 0) continue;
      for (var j = 0; j < dout; j++) out[j] += xi * w[row + j];
    }
    return out;
  }

  function rope(vec, t, nHeads, headDim, base) {
    var half = headDim / 2;
    for (var h = 0; h < nHeads; h++) {
      var o = h * headDim;
      for (var i = 0; i < half; i++) {
        var angle = t * Math.pow(base, -(2 * i) / headDim);
        var c = Math.cos(angle), s = Math.sin(angle);
        var x1 = vec[o + i], x2 = vec[o + i + half];
        vec[o + i] = x1 * c - x2 * s;
        vec[o + i + half] = x2 * c + x1 * s;
      }
    }
  }

  Model.prototype.checkIds = function (ids) {
    if (!ids || ids.length === 0) throw new RangeError("at least one token id is needed");
    for (var i = 0; i < ids.length; i++)
      if (!(Number.isInteger(ids[i]) && ids[i] >= 0 && ids[i] < this.vocabSize))
        throw new RangeError("token ids must be integers in [0, " + this.vocabSize + ")");
    return ids.slice(Math.max(0, ids.length - this.contextLength));
  };

  // Run positions past.ids.length .. ids.length - 1 (all of them when past is null), reusing
  // the keys and values of earlier positions from past. Each position's arithmetic is the
  // same whether it is run alone or with the others, so the results are identical.
  // Returns the residual stream of the new positions, their attention rows, and the state
  // (ids, keys, values) to pass as past next time.
  Model.prototype.run = function (ids, past) {
    var hp = this.hp, w = this.w, d = hp.d_model, f = hp.d_ff, nh = hp.n_heads;
    var dh = d / nh, T = ids.length, scale = 1 / Math.sqrt(dh);
    var start = past ? past.ids.length : 0;
    var x = [], t, l, h, s, i;
    for (t = start; t < T; t++) x.push(Float64Array.from(w.embed.subarray(ids[t] * d, (ids[t] + 1) * d)));
    var attention = [], keys = [], values = [];
    for (l = 0; l < hp.n_layers; l++) {
      var p = "layers." + l + ".";
      var q = [], k = past ? past.keys[l].slice() : [], v = past ? past.values[l].slice() : [];
      for (t = start; t < T; t++) {
        var a = rmsnorm(x[t - start], w[p + "norm1"], hp.norm_eps);
        var qt = matvec(a, w[p + "wq"], d, d), kt = matvec(a, w[p + "wk"], d, d);
        rope(qt, t, nh, dh, hp.rope_base);
        rope(kt, t, nh, dh, hp.rope_base);
        q.push(qt);
        k.push(kt);
        v.push(matvec(a, w[p + "wv"], d, d));
      }
      keys.push(k);
      values.push(v);
      var layerAttention = [], heads = [];
      for (t = start; t < T; t++) heads.push(new Float64Array(d));
      for (h = 0; h < nh; h++) {
        var o = h * dh, weights = [];
        for (t = start; t < T; t++) {
          var qrow = q[t - start], head = heads[t - start];
          var row = new Float64Array(T), max = -Infinity;
          for (s = 0; s <= t; s++) {
            var dot = 0;
            for (i = 0; i < dh; i++) dot += qrow[o + i] * k[s][o + i];
            row[s] = dot * scale;
            if (row[s] > max) max = row[s];
          }
          var sum = 0;
          for (s = 0; s <= t; s++) { row[s] = Math.exp(row[s] - max); sum += row[s]; }
          for (s = 0; s <= t; s++) row[s] /= sum;
          for (s = 0; s <= t; s++)
            for (i = 0; i < dh; i++) head[o + i] += row[s] * v[s][o + i];
          weights.push(Array.from(row));
        }
        layerAttention.push(weights);
      }
      attention.push(layerAttention);
      for (t = 0; t < T - start; t++) {
        var out = matvec(heads[t], w[p + "wo"], d, d);
        for (i = 0; i < d; i++) x[t][i] += out[i];
        var m = rmsnorm(x[t], w[p + "norm2"], hp.norm_eps);
        var gate = matvec(m, w[p + "w_gate"], d, f), up = matvec(m, w[p + "w_up"], d, f);
        for (i = 0; i < f; i++) gate[i] = (gate[i] / (1 + Math.exp(-gate[i]))) * up[i];
        var down = matvec(gate, w[p + "w_down"], f, d);
        for (i = 0; i < d; i++) x[t][i] += down[i];
      }
    }
    return { x: x, attention: attention, state: { ids: ids.slice(), keys: keys, values: values } };
  };

  function extends_(ids, prefix) {
    if (ids.length <= prefix.length) return false;
    for (var i = 0; i < prefix.length; i++) if (ids[i] !== prefix[i]) return false;
    return true;
  }

  // Generating token by token calls this with the previous ids plus one: those calls reuse
  // the last call's keys and values (a KV cache) until the window starts to slide.
  Model.prototype.nextTokenLogits = function (ids) {
    ids = this.checkIds(ids);
    var hp = this.hp, d = hp.d_model, V = this.vocabSize, embed = this.w.embed;
    var past = this.past && extends_(ids, this.past.ids) ? this.past : null;
    var run = this.run(ids, past);
    this.past = run.state;
    this.positionsRun = run.x.length; // for the tests: 1 when the cache was used
    var last = rmsnorm(run.x[run.x.length - 1], this.w.norm_f, hp.norm_eps);
    var logits = new Array(V);
    for (var j = 0; j < V; j++) {
      var dot = 0, row = j * d;
      for (var i = 0; i < d; i++) dot += last[i] * embed[row + i];
      logits[j] = dot;
    }
    return logits;
  };

  Model.prototype.attention = function (ids) {
    return this.run(this.checkIds(ids), null).attention;
  };

  Model.prototype.encode = function (text) { return this.tokenizer.encode(String(text)); };
  Model.prototype.decode = function (ids) { return this.tokenizer.decode(ids); };
  Model.prototype.tokenStrings = function (ids) {
    var tok = this.tokenizer;
    return ids.map(function (id) { return utf8Decode(tok.tokenBytes(id)); });
  };

  function fromBase64(text) { return new Model(base64ToBytes(text)); }

  // ---------------------------------------------------------------- loading in a page

  function siblingUrl(name) {
    var base = currentScript && currentScript.src ? currentScript.src : root.location.href;
    return new URL(name, base).href;
  }

  function loadScriptWeights() {
    if (typeof root[WEIGHTS_GLOBAL] === "string") return Promise.resolve(base64ToBytes(root[WEIGHTS_GLOBAL]));
    if (typeof document === "undefined") return Promise.reject(new Error("no tinylm weights"));
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = siblingUrl("tinylm-weights.js");
      tag.onload = function () {
        if (typeof root[WEIGHTS_GLOBAL] === "string") resolve(base64ToBytes(root[WEIGHTS_GLOBAL]));
        else reject(new Error(tag.src + " did not set " + WEIGHTS_GLOBAL));
      };
      tag.onerror = function () { reject(new Error("could not load " + tag.src)); };
      document.head.appendChild(tag);
    });
  }

  function loadWeights() {
    var bin = currentScript && currentScript.dataset ? currentScript.dataset.weightsBin : null;
    if (bin && /^https?:$/.test(root.location.protocol) && typeof fetch === "function") {
      return fetch(siblingUrl(bin))
        .then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.arrayBuffer();
        })
        .then(function (buffer) { return new Uint8Array(buffer); })
        .catch(loadScriptWeights);
    }
    return loadScriptWeights();
  }

  var api = {
    vocabSize: null,
    contextLength: null,
    header: null,
  };
  var model = null;
  function need() {
    if (!model) throw new Error("genaiNotes.tinyModel is not ready: await genaiNotes.tinyModel.ready");
    return model;
  }
  ["encode", "decode", "tokenStrings", "nextTokenLogits", "attention"].forEach(function (name) {
    api[name] = function () { var m = need(); return m[name].apply(m, arguments); };
  });

  var namespace = (root.genaiNotes = root.genaiNotes || {});
  namespace.TinyLM = { Model: Model, Tokenizer: Tokenizer, fromBase64: fromBase64, base64ToBytes: base64ToBytes };
  namespace.tinyModel = api;
  // Loading starts at the first read of `ready`, so a page that includes this script but
  // never uses the model does not download the weights.
  var readyPromise = null;
  Object.defineProperty(api, "ready", {
    enumerable: true,
    get: function () {
      if (!readyPromise) {
        readyPromise = loadWeights().then(function (bytes) {
          model = new Model(bytes);
          api.vocabSize = model.vocabSize;
          api.contextLength = model.contextLength;
          api.header = model.header;
          return api;
        });
        // A failed load (say, the weights script missing) may be retried by reading ready again.
        readyPromise.catch(function () { readyPromise = null; });
      }
      return readyPromise;
    },
  });
})(typeof window !== "undefined" ? window : globalThis);
