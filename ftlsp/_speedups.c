/* Optional C versions of the content rules' per-record prefilters (ftlsp/content/scan.py).
 *
 * Each function answers exactly what its Python twin answers (a property test holds them to
 * the same results); the Python code stays the reference and the fallback when this module
 * is not built. They exist because the prefilters run on every record of every file: in
 * Python each one is a dozen C-level scans plus their call overhead (~5 us per record); here
 * it is one pass over the characters.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* ---- record_gate ------------------------------------------------------------------------ */

enum { RAW_HIT = 1, UPPER_PAIR = 2, ALL = 3 };

/* Classes of scan.py's _RAW_TABLE: digits -> '0', a-z and '_' -> 'a', A-Z and '{' -> 'A',
 * ' ' -> 's', '.' -> 'p', "()/:-" -> '.', anything else (and every non-ASCII character) -> 0. */
static unsigned char raw_class[128];
/* Characters that may follow "[" or "<" in a placeholder: letters, '_', ' ', '.', '(', ')', '/', ':', '-'. */
static unsigned char wordish[128];
/* Characters that may start something the gate reports: digits, capitals, "{", and the marks
 * with a test of their own. */
static unsigned char interesting[128];

static void init_tables(void) {
    for (int c = 0; c < 128; c++) {
        unsigned char k = 0;
        if (c >= '0' && c <= '9') k = '0';
        else if ((c >= 'a' && c <= 'z') || c == '_') k = 'a';
        else if ((c >= 'A' && c <= 'Z') || c == '{') k = 'A';
        else if (c == ' ') k = 's';
        else if (c == '.') k = 'p';
        else if (c == '(' || c == ')' || c == '/' || c == ':' || c == '-') k = '.';
        raw_class[c] = k;
        interesting[c] = (unsigned char)(k == '0' || k == 'A' || c == '@' || c == '\\' || c == '[' || c == '<' ||
                                         c == ':');
        wordish[c] = (unsigned char)(((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ' ' ||
                                      c == '.' || c == '(' || c == ')' || c == '/' || c == ':' || c == '-'));
    }
}

/* A character that a UTF-8 continuation byte becomes when read as cp1252 (scan._MOJI_BYTES). */
static int moji_cont(Py_UCS4 c) {
    if (c >= 0x80 && c <= 0xBF) return 1;
    switch (c) {
    case 0x152: case 0x153: case 0x160: case 0x161: case 0x178: case 0x17D: case 0x17E: case 0x192:
    case 0x2C6: case 0x2DC: case 0x2013: case 0x2014: case 0x2018: case 0x2019: case 0x201A: case 0x201B:
    case 0x201C: case 0x201D: case 0x201E: case 0x2020: case 0x2021: case 0x2022: case 0x2026: case 0x2030:
    case 0x2039: case 0x203A: case 0x20AC: case 0x2122:
        return 1;
    }
    return 0;
}

static inline int is_hex_escape_head(Py_UCS4 c) {  /* [2-7c-fC-F] after "\u00" */
    return (c >= '2' && c <= '7') || (c >= 'c' && c <= 'f') || (c >= 'C' && c <= 'F');
}

/* One pass over the text. Only digits, capitals, a few punctuation marks and non-ASCII characters
 * can start anything the gate looks for, so the loop skips everything else (most of any text) with
 * one table test per character; number runs are followed from their first digit. ``kind`` is a
 * constant in each caller, so the reads specialise. */
static ALWAYS_INLINE int gate_impl(int kind, const void *data, Py_ssize_t n) {
#define AT(j) (kind == PyUnicode_1BYTE_KIND ? (Py_UCS4)((const Py_UCS1 *)data)[(j)] : \
               kind == PyUnicode_2BYTE_KIND ? (Py_UCS4)((const Py_UCS2 *)data)[(j)] : ((const Py_UCS4 *)data)[(j)])
#define CLS(ch) ((ch) < 128 ? raw_class[(ch)] : 0)
    int pair = 0, double_colon = 0, whole_run = 0;
    Py_ssize_t j = 0;
    while (j < n) {
        Py_UCS4 c = AT(j);
        if (c < 128 && !interesting[c]) {
            j++;
            continue;
        }
        if (c >= 128) {
            if (c == 0xFFFD) return ALL;
            if (c >= 0xC2 && c <= 0xF4 && j + 1 < n && moji_cont(AT(j + 1))) return ALL;
            j++;
            continue;
        }
        unsigned char k = raw_class[c];
        if (k == '0') {
            /* A number run: R = [0.s] or a 'p' not followed by 's'; R' = [0.sp]. A run holding two
             * '0' at least 6 apart matches "0R{5,}0" (scan._DIGIT_LED / scan._WHOLE_RUN). */
            Py_ssize_t first0_led = j, first0_whole = j;
            unsigned char prev = '0';
            Py_ssize_t i = j + 1;
            for (; i < n; i++) {
                Py_UCS4 d = AT(i);
                unsigned char kd = CLS(d);
                if (kd == '0') {
                    if (first0_led < 0) first0_led = i;
                    else if (i - first0_led >= 6) return ALL;
                    if (i - first0_whole >= 6) whole_run = 1;
                } else if (kd == 's' || kd == '.') {
                    if (kd == '.' && d == ':' && i + 1 < n && AT(i + 1) == ':') double_colon = 1;
                } else if (kd == 'p') {
                    if (i + 1 < n && AT(i + 1) == ' ') first0_led = -1;
                } else {
                    if (prev == '0' && (kd == 'a' || kd == 'A')) return ALL;  /* a digit then a letter */
                    break;
                }
                prev = kd;
            }
            j = i;  /* the character that ended the run gets its own tests */
            continue;
        }
        if (k == 'A') {  /* a run of A-Z and "{" */
            Py_ssize_t i = j;
            Py_UCS4 before = 0;
            do {
                Py_UCS4 d = AT(i);
                if (d == '{' && before == '{') return ALL;  /* "{{" */
                if (d == 'L' && i + 11 <= n) {
                    static const char lorem[] = "Lorem ipsum";
                    Py_ssize_t m = 1;
                    while (m < 11 && AT(i + m) == (Py_UCS4)lorem[m]) m++;
                    if (m == 11) return ALL;
                }
                before = d;
                i++;
            } while (i < n && CLS(AT(i)) == 'A');
            if (i - j >= 4) return ALL;  /* four capitals in a row: "TODO", "HERE", "BEGIN" */
            if (i - j >= 2) pair = 1;
            j = i;
            continue;
        }
        switch (c) {
        case '@':
            return ALL;
        case '\\':
            if (j + 1 < n) {
                Py_UCS4 d = AT(j + 1);
                if (d == '/') return ALL;
                if (d == 'u' && j + 4 < n) {
                    Py_UCS4 e1 = AT(j + 2), e2 = AT(j + 3), e3 = AT(j + 4);
                    if (e1 == '0' && e2 == '0' && is_hex_escape_head(e3)) return ALL;
                    if ((e1 == 'f' || e1 == 'F') && (e2 == 'f' || e2 == 'F') && (e3 == 'f' || e3 == 'F') &&
                        j + 5 < n) {
                        Py_UCS4 e4 = AT(j + 5);
                        if (e4 == 'd' || e4 == 'D') return ALL;
                    }
                }
            }
            break;
        case '[':
        case '<':
            if (j + 1 < n) {
                Py_UCS4 d = AT(j + 1);
                if (d < 128 && wordish[d]) return ALL;
            }
            break;
        case ':':
            if (j + 1 < n && AT(j + 1) == ':') double_colon = 1;
            break;
        }
        j++;
    }
    if ((pair || double_colon) && whole_run) return ALL;
    return pair ? UPPER_PAIR : 0;
#undef AT
#undef CLS
}

static PyObject *record_gate(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "record_gate() takes a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    const void *data = PyUnicode_DATA(arg);
    int r;
    switch (PyUnicode_KIND(arg)) {
    case PyUnicode_1BYTE_KIND: r = gate_impl(PyUnicode_1BYTE_KIND, data, n); break;
    case PyUnicode_2BYTE_KIND: r = gate_impl(PyUnicode_2BYTE_KIND, data, n); break;
    default: r = gate_impl(PyUnicode_4BYTE_KIND, data, n); break;
    }
    return PyLong_FromLong(r);
}

/* ---- refusal_possible ------------------------------------------------------------------- */

/* Configured from scan.py (one source of truth): the byte fold table, the bytes it drops, and
 * the phrase starts, each (folded bytes after "# ", byte required before "#" or -1). */
static unsigned char fold_table[256];
static unsigned char fold_drop[256];
#define MAX_STARTS 64
static char *starts[MAX_STARTS];
static Py_ssize_t start_len[MAX_STARTS];
static int start_prev[MAX_STARTS];
static int n_starts = -1;  /* -1: not configured */

/* The folded bytes of each character below U+0800 (at most two): count, then the bytes. */
#define FOLD_SMALL 0x800
static unsigned char fold_small[FOLD_SMALL][3];

static Py_ssize_t fold_char(Py_UCS4 c, unsigned char *out, Py_ssize_t o);

static PyObject *configure_refusal(PyObject *self, PyObject *args) {
    Py_buffer table, drop;
    PyObject *alts;
    if (!PyArg_ParseTuple(args, "y*y*O", &table, &drop, &alts)) return NULL;
    PyObject *seq = NULL;
    if (table.len != 256) {
        PyErr_SetString(PyExc_ValueError, "fold table must have 256 bytes");
        goto fail;
    }
    seq = PySequence_Fast(alts, "alternatives must be a sequence");
    if (seq == NULL) goto fail;
    Py_ssize_t m = PySequence_Fast_GET_SIZE(seq);
    if (m > MAX_STARTS) {
        PyErr_SetString(PyExc_ValueError, "too many alternatives");
        goto fail;
    }
    for (int i = 0; i < n_starts; i++) PyMem_Free(starts[i]);
    n_starts = -1;
    memcpy(fold_table, table.buf, 256);
    memset(fold_drop, 0, 256);
    for (Py_ssize_t i = 0; i < drop.len; i++) fold_drop[((unsigned char *)drop.buf)[i]] = 1;
    for (Py_ssize_t i = 0; i < m; i++) {
        const char *s;
        Py_ssize_t len;
        int prev;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "y#i", &s, &len, &prev)) {
            n_starts = (int)i;
            goto fail;
        }
        starts[i] = PyMem_Malloc(len + 1);
        if (starts[i] == NULL) {
            n_starts = (int)i;
            PyErr_NoMemory();
            goto fail;
        }
        memcpy(starts[i], s, len);
        start_len[i] = len;
        start_prev[i] = prev;
    }
    n_starts = (int)m;
    for (Py_UCS4 c = 0; c < FOLD_SMALL; c++) {
        unsigned char tmp[4] = {0, 0, 0, 0};
        fold_small[c][0] = (unsigned char)fold_char(c, tmp, 0);
        fold_small[c][1] = tmp[0];
        fold_small[c][2] = tmp[1];
    }
    Py_DECREF(seq);
    PyBuffer_Release(&table);
    PyBuffer_Release(&drop);
    Py_RETURN_NONE;
fail:
    Py_XDECREF(seq);
    PyBuffer_Release(&table);
    PyBuffer_Release(&drop);
    return NULL;
}

/* Appends the folded UTF-8 bytes of c ("surrogatepass": lone surrogates as 3-byte sequences). */
static Py_ssize_t fold_char(Py_UCS4 c, unsigned char *out, Py_ssize_t o) {
    unsigned char b[4];
    int nb;
    if (c < 0x80) { b[0] = (unsigned char)c; nb = 1; }
    else if (c < 0x800) { b[0] = 0xC0 | (c >> 6); b[1] = 0x80 | (c & 0x3F); nb = 2; }
    else if (c < 0x10000) { b[0] = 0xE0 | (c >> 12); b[1] = 0x80 | ((c >> 6) & 0x3F); b[2] = 0x80 | (c & 0x3F); nb = 3; }
    else { b[0] = 0xF0 | (c >> 18); b[1] = 0x80 | ((c >> 12) & 0x3F); b[2] = 0x80 | ((c >> 6) & 0x3F);
           b[3] = 0x80 | (c & 0x3F); nb = 4; }
    for (int i = 0; i < nb; i++)
        if (!fold_drop[b[i]]) out[o++] = fold_table[b[i]];
    return o;
}

/* Is a configured phrase start right after the "# " at p of the folded bytes? */
static ALWAYS_INLINE int start_at(const unsigned char *s, Py_ssize_t len, Py_ssize_t p) {
    Py_ssize_t q = p + 2;
    if (q >= len) return 0;
    unsigned char first = s[q];
    for (int i = 0; i < n_starts; i++) {
        const unsigned char *w = (const unsigned char *)starts[i];
        Py_ssize_t m = start_len[i];
        if (w[0] != first || len - q < m) continue;
        if (start_prev[i] >= 0 && (p == 0 || s[p - 1] != start_prev[i])) continue;
        if (memcmp(s + q, w, m) == 0) return 1;
    }
    return 0;
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <stdint.h>
#define SWAR 1
/* 0x80 in each byte of v that is zero, nothing elsewhere (no false positives). */
static ALWAYS_INLINE uint64_t zero_bytes(uint64_t v) {
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
    return ~(((v & low7) + low7) | v | low7);
}
#endif

/* Is there a phrase start in the folded bytes s[0:len]? Candidates are the "# " pairs, found
 * eight bytes at a time where the compiler and byte order allow it. */
static int find_start(const unsigned char *s, Py_ssize_t len) {
    Py_ssize_t p = 0;
#ifdef SWAR
    const uint64_t hashes = 0x2323232323232323ULL, spaces = 0x2020202020202020ULL;
    for (; p + 9 <= len; p += 8) {
        uint64_t x, y;
        memcpy(&x, s + p, 8);
        memcpy(&y, s + p + 1, 8);
        uint64_t m = zero_bytes(x ^ hashes) & zero_bytes(y ^ spaces);
        while (m) {
            if (start_at(s, len, p + (__builtin_ctzll(m) >> 3))) return 1;
            m &= m - 1;
        }
    }
#endif
    for (; p + 1 < len; p++)
        if (s[p] == '#' && s[p + 1] == ' ' && start_at(s, len, p)) return 1;
    return 0;
}

static PyObject *refusal_possible(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "refusal_possible() takes a str");
        return NULL;
    }
    if (n_starts < 0) {
        PyErr_SetString(PyExc_RuntimeError, "configure_refusal() was not called");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    Py_ssize_t most = n * (kind == PyUnicode_1BYTE_KIND ? 2 : kind == PyUnicode_2BYTE_KIND ? 3 : 4);
    unsigned char small[8192];
    unsigned char *buf = small;
    if (most > (Py_ssize_t)sizeof(small)) {
        buf = PyMem_Malloc(most + 1);
        if (buf == NULL) return PyErr_NoMemory();
    }
    Py_ssize_t len = 0;
    if (kind == PyUnicode_1BYTE_KIND && PyUnicode_IS_ASCII(arg)) {  /* ASCII bytes are never dropped */
        const Py_UCS1 *d = data;
        for (Py_ssize_t j = 0; j < n; j++) buf[j] = fold_table[d[j]];
        len = n;
    } else if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *d = data;
        for (Py_ssize_t j = 0; j < n; j++) {
            const unsigned char *f = fold_small[d[j]];
            buf[len] = f[1];
            buf[len + 1] = f[2];
            len += f[0];
        }
    } else {
        for (Py_ssize_t j = 0; j < n; j++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, j);
            if (c < FOLD_SMALL) {
                const unsigned char *f = fold_small[c];
                buf[len] = f[1];
                buf[len + 1] = f[2];
                len += f[0];
            } else {
                len = fold_char(c, buf, len);
            }
        }
    }
    int found = find_start(buf, len);
    if (buf != small) PyMem_Free(buf);
    return PyBool_FromLong(found);
}

/* ---- chat_features ---------------------------------------------------------------------- */

/* Spaces plus newlines plus one (0 for ""): record.approx_words. *newlines gets the newlines. */
static Py_ssize_t approx_words(PyObject *s, Py_ssize_t *newlines) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    *newlines = 0;
    if (n == 0) return 0;
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t spaces = 0, nl = 0;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *d = data;
        for (Py_ssize_t j = 0; j < n; j++) { spaces += d[j] == ' '; nl += d[j] == '\n'; }
    } else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *d = data;
        for (Py_ssize_t j = 0; j < n; j++) { spaces += d[j] == ' '; nl += d[j] == '\n'; }
    } else {
        const Py_UCS4 *d = data;
        for (Py_ssize_t j = 0; j < n; j++) { spaces += d[j] == ' '; nl += d[j] == '\n'; }
    }
    *newlines = nl;
    return spaces + nl + 1;
}

/* shape.classify(text) is certainly plain prose: one line of more than 40 characters that neither
 * starts nor ends with white space and does not start like JSON or a code fence. */
static int plain_prose(PyObject *s, Py_ssize_t newlines) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (newlines || n <= 40) return 0;
    Py_UCS4 first = PyUnicode_READ_CHAR(s, 0), last = PyUnicode_READ_CHAR(s, n - 1);
    if (Py_UNICODE_ISSPACE(first) || Py_UNICODE_ISSPACE(last)) return 0;
    return first != '{' && first != '[' && first != '`';
}

static PyObject *s_messages, *s_system, *s_content, *s_role, *s_weight, *s_tool_calls, *s_function_call,
    *s_assistant, *s_other, *s_system_ptr, *zero;

/* record.features_of for the common chat shape (record._fast_chat's semantics): the Features
 * tuple, its shape from classify() unless the last output is plainly prose; or None when the
 * Python path must decide (a shape the fast path does not take, or more messages than ``ptrs``
 * has pointers). */
static PyObject *chat_features(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6 || !PyDict_Check(args[1]) || !PyTuple_Check(args[2]) ||
        !(PyType_Check(args[3]) && PyType_IsSubtype((PyTypeObject *)args[3], &PyTuple_Type))) {
        PyErr_SetString(PyExc_TypeError, "chat_features(data, aliases: dict, pointers: tuple, "
                                         "features: tuple subclass, prose_shape, classify)");
        return NULL;
    }
    PyObject *data = args[0], *aliases = args[1], *ptrs = args[2];
    if (!PyDict_CheckExact(data)) Py_RETURN_NONE;
    PyObject *msgs = PyDict_GetItemWithError(data, s_messages);
    if (msgs == NULL) {
        if (PyErr_Occurred()) return NULL;
        Py_RETURN_NONE;
    }
    if (!PyList_CheckExact(msgs)) Py_RETURN_NONE;
    Py_ssize_t nptr = PyTuple_GET_SIZE(ptrs), nmsg = PyList_GET_SIZE(msgs);
    if (nmsg > nptr) Py_RETURN_NONE;
    PyObject *sys_text = Py_None, *sys_ptr = Py_None, *first = Py_None;  /* borrowed */
    PyObject *top = PyDict_GetItemWithError(data, s_system);
    if (top == NULL && PyErr_Occurred()) return NULL;
    if (top != NULL && PyUnicode_Check(top)) {
        sys_text = top;
        sys_ptr = first = s_system_ptr;
    }
    PyObject *outs = PyList_New(0), *words = NULL, *result = NULL;
    if (outs == NULL) return NULL;
    for (Py_ssize_t i = 0; i < nmsg; i++) {
        PyObject *m = PyList_GET_ITEM(msgs, i);
        if (!PyDict_CheckExact(m)) {
            if (PyDict_Check(m)) goto none;  /* a dict subclass: the Python path decides */
            continue;
        }
        PyObject *c = PyDict_GetItemWithError(m, s_content);
        if (c == NULL && PyErr_Occurred()) goto fail;
        PyObject *r = PyDict_GetItemWithError(m, s_role);
        if (r == NULL && PyErr_Occurred()) goto fail;
        int weighted;
        if (PyDict_GET_SIZE(m) == 2 && r != NULL && c != NULL && PyUnicode_CheckExact(c)) {
            weighted = 0;
        } else {
            int has = PyDict_Contains(m, s_tool_calls);
            if (has < 0) goto fail;
            if (!has) has = PyDict_Contains(m, s_function_call);
            if (has < 0) goto fail;
            if (has || (c != NULL && c != Py_None && !PyUnicode_CheckExact(c))) goto none;
            if (c == NULL || c == Py_None) continue;
            weighted = PyDict_Contains(m, s_weight);
            if (weighted < 0) goto fail;
        }
        PyObject *role = s_other;  /* borrowed */
        if (r != NULL && PyUnicode_Check(r)) {
            PyObject *a = PyDict_GetItemWithError(aliases, r);
            if (a == NULL && PyErr_Occurred()) goto fail;
            if (a != NULL) role = a;
        }
        PyObject *ptr = PyTuple_GET_ITEM(ptrs, i);
        if (first == Py_None) first = ptr;
        int eq = PyUnicode_Compare(role, s_assistant) == 0;
        if (eq) {
            if (weighted) {
                PyObject *w = PyDict_GetItemWithError(m, s_weight);
                if (w == NULL) goto fail;  /* present a moment ago: only an error can get here */
                int ne = PyObject_RichCompareBool(w, zero, Py_NE);
                if (ne < 0) goto fail;
                if (!ne) continue;
            }
            PyObject *pair = PyTuple_Pack(2, ptr, c);
            if (pair == NULL || PyList_Append(outs, pair) < 0) {
                Py_XDECREF(pair);
                goto fail;
            }
            Py_DECREF(pair);
        } else if (sys_text == Py_None && PyUnicode_Compare(role, s_system) == 0) {
            sys_text = c;
            sys_ptr = ptr;
        }
        if (PyErr_Occurred()) goto fail;  /* PyUnicode_Compare on a non-str alias value */
    }
    Py_ssize_t k = PyList_GET_SIZE(outs), newlines = 0;
    int prose = 0;
    words = PyTuple_New(k);
    if (words == NULL) goto fail;
    for (Py_ssize_t i = 0; i < k; i++) {
        PyObject *text = PyTuple_GET_ITEM(PyList_GET_ITEM(outs, i), 1);
        PyObject *n = PyLong_FromSsize_t(approx_words(text, &newlines));
        if (n == NULL) goto fail;
        PyTuple_SET_ITEM(words, i, n);
        if (i == k - 1) prose = plain_prose(text, newlines);
    }
    PyObject *out_tuple = PyList_AsTuple(outs);
    if (out_tuple == NULL) goto fail;
    /* The Features named tuple itself, its shape from classify() unless plainly prose. */
    PyObject *shape;
    if (prose) shape = Py_NewRef(args[4]);
    else if (k == 0) shape = Py_NewRef(Py_None);
    else shape = PyObject_CallOneArg(args[5], PyTuple_GET_ITEM(PyTuple_GET_ITEM(out_tuple, k - 1), 1));
    if (shape == NULL) {
        Py_DECREF(out_tuple);
        goto fail;
    }
    PyTypeObject *type = (PyTypeObject *)args[3];
    result = type->tp_alloc(type, 6);
    if (result == NULL) {
        Py_DECREF(shape);
        Py_DECREF(out_tuple);
        goto fail;
    }
    PyObject *items[6] = {out_tuple, sys_text, sys_ptr, first, words, shape};
    for (int i = 0; i < 6; i++) PyTuple_SET_ITEM(result, i, Py_NewRef(items[i]));
    Py_DECREF(shape);
    Py_DECREF(out_tuple);
    Py_DECREF(outs);
    Py_DECREF(words);
    return result;
none:
    Py_DECREF(outs);
    Py_XDECREF(words);
    Py_RETURN_NONE;
fail:
    Py_DECREF(outs);
    Py_XDECREF(words);
    return NULL;
}

static PyObject *words_of(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "approx_words() takes a str");
        return NULL;
    }
    Py_ssize_t newlines;
    return PyLong_FromSsize_t(approx_words(arg, &newlines));
}

static PyObject *prose_of(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "plain_prose() takes a str");
        return NULL;
    }
    Py_ssize_t newlines;
    approx_words(arg, &newlines);
    return PyBool_FromLong(plain_prose(arg, newlines));
}

/* ---- outputs_quiet ---------------------------------------------------------------------- */

static Py_UCS4 complete_end[64];
static int n_complete_end = -1;

static PyObject *configure_truncation(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg) || PyUnicode_GET_LENGTH(arg) > 64) {
        PyErr_SetString(PyExc_TypeError, "configure_truncation() takes a str of at most 64 characters");
        return NULL;
    }
    n_complete_end = (int)PyUnicode_GET_LENGTH(arg);
    for (int i = 0; i < n_complete_end; i++) complete_end[i] = PyUnicode_READ_CHAR(arg, i);
    Py_RETURN_NONE;
}

/* truncation.truncation_cue(text) is certainly False and refusal_possible(text) is False. */
static int output_quiet(PyObject *text) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t e = n;
    while (e > 0 && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, e - 1))) e--;
    if (e > 0) {
        Py_UCS4 first = PyUnicode_READ(kind, data, 0), last = PyUnicode_READ(kind, data, e - 1);
        if (first == '{' || first == '[') return 0;  /* JSON: the Python side parses it */
        int complete = 0;
        for (int i = 0; i < n_complete_end; i++)
            if (complete_end[i] == last) { complete = 1; break; }
        if (!complete) return 0;
        Py_ssize_t j = 0;
        while (j + 2 < e && (j = PyUnicode_FindChar(text, '`', j, e - 2, 1)) >= 0) {  /* "```" */
            if (PyUnicode_READ(kind, data, j + 1) == '`' && PyUnicode_READ(kind, data, j + 2) == '`') return 0;
            j++;
        }
        if (j == -2) return -1;
    }
    PyObject *r = refusal_possible(NULL, text);
    if (r == NULL) return -1;
    int quiet = r == Py_False;
    Py_DECREF(r);
    return quiet;
}

static PyObject *outputs_quiet(PyObject *self, PyObject *arg) {
    if (n_complete_end < 0) {
        PyErr_SetString(PyExc_RuntimeError, "configure_truncation() was not called");
        return NULL;
    }
    if (!PyTuple_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "outputs_quiet() takes a tuple of (pointer, text) pairs");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(arg); i++) {
        PyObject *pair = PyTuple_GET_ITEM(arg, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 || !PyUnicode_Check(PyTuple_GET_ITEM(pair, 1))) {
            PyErr_SetString(PyExc_TypeError, "outputs_quiet() takes a tuple of (pointer, text) pairs");
            return NULL;
        }
        int q = output_quiet(PyTuple_GET_ITEM(pair, 1));
        if (q < 0) return NULL;
        if (!q) Py_RETURN_FALSE;
    }
    Py_RETURN_TRUE;
}

static PyMethodDef methods[] = {
    {"record_gate", record_gate, METH_O, "scan.record_gate in C: what the raw text of a record may hold."},
    {"refusal_possible", refusal_possible, METH_O, "scan.refusal_possible in C (after configure_refusal)."},
    {"configure_refusal", configure_refusal, METH_VARARGS,
     "configure_refusal(fold_table, drop_bytes, [(folded_start, prev_byte_or_-1), ...])"},
    {"chat_features", (PyCFunction)(void (*)(void))chat_features, METH_FASTCALL,
     "record.features_of for the common chat shape: a Features tuple, or None (the Python path decides)."},
    {"approx_words", words_of, METH_O, "record.approx_words in C."},
    {"plain_prose", prose_of, METH_O, "Is shape.classify(text) certainly plain prose? (False: not known.)"},
    {"outputs_quiet", outputs_quiet, METH_O,
     "True when no output may have a truncation cue or a refusal start (False: not known)."},
    {"configure_truncation", configure_truncation, METH_O, "configure_truncation(complete_end_characters)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "ftlsp._speedups", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__speedups(void) {
    init_tables();
    static const char *names[] = {"messages", "system", "content", "role", "weight", "tool_calls", "function_call",
                                  "assistant", "other", "/system"};
    PyObject **slots[] = {&s_messages, &s_system, &s_content, &s_role, &s_weight, &s_tool_calls, &s_function_call,
                          &s_assistant, &s_other, &s_system_ptr};
    for (int i = 0; i < 10; i++) {
        *slots[i] = PyUnicode_InternFromString(names[i]);
        if (*slots[i] == NULL) return NULL;
    }
    zero = PyLong_FromLong(0);
    if (zero == NULL) return NULL;
    return PyModule_Create(&module);
}
