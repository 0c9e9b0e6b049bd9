"""Tiny HF `tokenizers`-format tokenizer.json files for the test fixtures, plus a plain-Python encoder
for them (the Python `tokenizers` package is not installed), mirroring what HF does with
is_split_into_words=True: every pre-split word is normalised / pre-tokenised / encoded on its own.

- WordPiece (BERT, DistilBERT): BertNormalizer(lowercase=False) + BertPreTokenizer + greedy longest-match
  with "##" continuation; a pre-token that cannot be covered becomes [UNK].
- Unigram (XLM-R): Metaspace("▁", prepend always) + Viterbi over the piece scores; characters with no
  piece become <unk> (score min - 10). A word whose pieces start with the standalone "▁" piece drops it
  (the realignment code does this before the forward pass).
"""
import random
import re
import unicodedata

WORD_RE = re.compile(r"\w+|[^\w\s]+")


def split_words(text):
    return WORD_RE.findall(text)


def read_parallel(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                a, b = line.split("|||")
                pairs.append((split_words(a), split_words(b)))
    return pairs


# ----------------------------------------------------------------------------------------------- BERT
def _is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def bert_pretokenize(word):
    out, cur = [], ""
    for ch in word:
        if ch.isspace():
            if cur:
                out.append(cur)
            cur = ""
        elif _is_punct(ch):
            if cur:
                out.append(cur)
            out.append(ch)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def wordpiece(token, vocab, unk="[UNK]"):
    if len(token) > 100:
        return [vocab[unk]]
    ids, start = [], 0
    while start < len(token):
        end, found = len(token), None
        while start < end:
            sub = token[start:end]
            if start > 0:
                sub = "##" + sub
            if sub in vocab:
                found = sub
                break
            end -= 1
        if found is None:
            return [vocab[unk]]
        ids.append(vocab[found])
        start = end
    return ids


def bert_encode_word(word, vocab):
    ids = []
    for t in bert_pretokenize(word):
        ids += wordpiece(t, vocab)
    return ids


SPLIT_BERT = {"sleeps": ("sleep", "##s"), "reading": ("read", "##ing"), "walking": ("walk", "##ing"),
              "xylophone": ("xy", "##lo", "##phone"), "Xylophon": ("X", "##ylo", "##phon"),
              "bibliothèque": ("biblio", "##thèque"), "schläft": ("sch", "##läft"), "snowman": ("snow", "##man"),
              "melted": ("melt", "##ed"), "bonhomme": ("bon", "##homme"), "Children": ("Child", "##ren")}


def build_bert_vocab(pairs):
    words = sorted({w for s, t in pairs for w in s + t})
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = sorted({c for w in words for c in w if c != "☃"})
    seen = set(toks)

    def add(t):
        if t not in seen:
            seen.add(t)
            toks.append(t)

    for c in chars:
        add(c)
    for c in chars:
        add("##" + c)
    for w in words:
        if w in SPLIT_BERT:
            for p in SPLIT_BERT[w]:
                add(p)
        elif w != "☃" and not all(_is_punct(c) for c in w):
            add(w)
    for w in ["the", "of", "and", "to", "house", "dog", "water", "river", "##ly", "##er", "##en", "un", "##ung",
              "Haus", "Stadt", "ville", "eau", "chien", "Hund", "tree", "Baum", "arbre", "sun", "Sonne", "soleil"]:
        add(w)
    return {t: i for i, t in enumerate(toks)}


def bert_tokenizer_json(vocab):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for s in specials],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": False},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [cls], "tokens": ["[CLS]"]},
                               "[SEP]": {"id": "[SEP]", "ids": [sep], "tokens": ["[SEP]"]}},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


# ----------------------------------------------------------------------------------------------- XLM-R
SPLIT_XLMR = {"sleeps": ("▁sleep", "s"), "reading": ("▁read", "ing"), "walking": ("▁walk", "ing"),
              "xylophone": ("▁", "xylo", "phone"), "Xylophon": ("▁", "Xylo", "phon"),
              "bibliothèque": ("▁biblio", "thèque"), "schläft": ("▁schl", "äft"), "snowman": ("▁snow", "man"),
              "melted": ("▁melt", "ed"), "Children": ("▁", "Children")}
META = "▁"


def build_xlmr_pieces(pairs):
    rnd = random.Random(7)
    words = sorted({w for s, t in pairs for w in s + t})
    pieces = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), (",", -3.4), (".", -3.6), (META, -3.9)]
    seen = {p for p, _ in pieces}

    def add(p, score):
        if p not in seen:
            seen.add(p)
            pieces.append((p, score))

    for w in words:
        if w == "☃":
            continue
        if w in SPLIT_XLMR:
            for p in SPLIT_XLMR[w]:
                add(p, round(-6.0 - 4.0 * rnd.random(), 4))
        else:
            add(META + w, round(-6.0 - 4.0 * rnd.random(), 4))
    for c in sorted({c for w in words for c in w if c != "☃"}):
        add(c, round(-11.0 - 2.0 * rnd.random(), 4))
    for w in ["▁the", "▁of", "▁und", "▁et", "▁Haus", "▁maison", "▁Stadt", "▁ville", "▁eau", "▁Wasser", "ung", "er"]:
        add(w, round(-6.0 - 4.0 * rnd.random(), 4))
    pieces.append(("<mask>", 0.0))
    return pieces


def unigram(text, pieces, unk_id=3):
    """HF Unigram Viterbi: best-scoring segmentation; a position with no 1-char piece gets <unk>."""
    table = {p: (i, s) for i, (p, s) in enumerate(pieces) if i > 3 and p != "<mask>"}
    unk_score = min(s for _, s in pieces) - 10.0
    maxlen = max(len(p) for p in table)
    n = len(text)
    ninf = float("-inf")
    best = [(ninf, -1, -1)] * (n + 1)  # score, start of the last piece, its id
    best[0] = (0.0, -1, -1)
    for i in range(n):
        base = best[i][0]
        if base == ninf:
            continue
        single = False
        for j in range(i + 1, min(n, i + maxlen) + 1):
            p = text[i:j]
            if p in table:
                pid, sc = table[p]
                single = single or j == i + 1
                if base + sc > best[j][0]:
                    best[j] = (base + sc, i, pid)
        if not single and base + unk_score > best[i + 1][0]:
            best[i + 1] = (base + unk_score, i, unk_id)
    ids, j = [], n
    while j > 0:
        _, i, pid = best[j]
        ids.append(pid)
        j = i
    return ids[::-1]


def xlmr_encode_word(word, pieces):
    return unigram(META + word.replace(" ", META), pieces)


def xlmr_tokenizer_json(pieces):
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": i, "content": p, "single_word": False, "lstrip": p == "<mask>", "rstrip": False,
                          "normalized": False, "special": True}
                         for i, (p, _) in enumerate(pieces) if p in ("<s>", "<pad>", "</s>", "<unk>", "<mask>")],
        "normalizer": None,
        "pre_tokenizer": {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": True},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0], "trim_offsets": True,
                           "add_prefix_space": True},
        "decoder": {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": 3, "vocab": [[p, s] for p, s in pieces], "byte_fallback": False},
    }


# ----------------------------------------------------------------------------------------------- words -> ids
def encode_words(words, kind, vocab, max_length=96):
    """Returns (ids, first_subword_positions) like the TS encodeWords: specials added, XLM-R "▁" dropped."""
    if kind == "xlmr":
        pre, post = [0], [2]
        per_word = []
        for w in words:
            ids = xlmr_encode_word(w, vocab)
            if len(ids) > 1 and ids[0] == 6:
                ids = ids[1:]
            per_word.append(ids)
    else:
        pre, post = [vocab["[CLS]"]], [vocab["[SEP]"]]
        per_word = [bert_encode_word(w, vocab) for w in words]
    budget = max_length - len(pre) - len(post)
    flat, owner = [], []
    for wi, p in enumerate(per_word):
        flat += p
        owner += [wi] * len(p)
    flat, owner = flat[:budget], owner[:budget]
    first = [-1] * len(words)
    for pos in range(len(flat) - 1, -1, -1):
        first[owner[pos]] = pos + len(pre)
    return pre + flat + post, first
