"""Train the statement and speaker confidence models (src/onrecord/nlp/data/confidence_model.json).

    .venv/bin/python bench/train_confidence.py [--eval-dir ../shared/eval] [--no-write]

Two binary logistic regressions (L2, fitted by the L-BFGS of bench/train_stance.py)
over the features of `onrecord.nlp.confidence` (imported from the package, so
training and prediction share one feature function):

- statement: is the statement an annotated attribution? Label: it is matched
  by the kit's scorer (score_quotes.ggt_match at overlap 0.3) to a gold
  attribution. Trained on polnear_train (840 articles); scored on polnear_dev
  and ggt_dev, which it never saw.
- speaker: is the speaker's name the annotated one (score_quotes.same_entity
  against GGT's `reference`), on the matched statements that have one? Only
  ggt_dev resolves speakers to names, so it is scored by 5-fold
  cross-validation grouped by article (seed 15), then fitted on all of it.

For each: AUC, log-loss, Brier score and a reliability table (predicted
probability against the share right, in five bins) on the held-out data, and
what dropping the statements under a threshold would do to the scorer's
precision and recall. The parses are cached in out/ (the first run parses
~1,000 articles: about 4 minutes on one core).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

from onrecord.analysis import find_statements
from onrecord.nlp.pipeline import load_pipeline, parseable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_stance import lbfgs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "onrecord" / "nlp" / "data" / "confidence_model.json"
CACHE = ROOT / "out"
K, SEED = 5, 15
# L2 strength and the minimum number of training items a feature must fire in,
# chosen on polnear_train alone by 5-fold CV log-loss (--grid): l2 1: 0.4214,
# 3: 0.4210, 10: 0.4224, 30: 0.4266 (AUC 0.794-0.795 up to 10); min_count 3, 5
# and 10 within 0.0002 of each other at every l2
L2, MIN_COUNT = 3.0, 5


def scorer(eval_dir: Path):
    spec = importlib.util.spec_from_file_location("score_quotes", eval_dir / "score_quotes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extract(path: Path, sq) -> list[dict]:
    """Per statement of each article: its features, whether it matches a
    gold attribution, and (GGT) whether its speaker is the annotated one."""
    cache = CACHE / f"confidence_{path.stem}.json"
    if cache.exists() and cache.stat().st_mtime > max(
        p.stat().st_mtime for p in (ROOT / "src" / "onrecord" / "nlp").glob("*.py")
    ):
        return json.loads(cache.read_text())
    nlp = load_pipeline()
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    rows = []
    for n, record in enumerate(records):
        text = record["text"]
        doc = nlp(parseable(text))
        found = find_statements(doc, text, with_features=True)
        gold, _ = sq.gold_items(record, record["id"])
        pred = [_scored_item(s) for s in found.statements]
        matched = dict((pi, gi) for gi, pi in sq.ggt_match({"gold": gold, "pred": pred}, 0.3))
        for k, (statement, (feats, speaker_feats)) in enumerate(zip(found.statements, found.features)):
            g = gold[matched[k]] if k in matched else None
            speaker_right = None
            if g is not None and g["reference"] and speaker_feats is not None:
                speaker_right = bool(sq.same_entity(statement.speaker_name or "", g["reference"]))
            rows.append(
                {
                    "article": record["id"],
                    "feats": feats,
                    "speaker_feats": speaker_feats,
                    "real": g is not None,
                    "speaker_right": speaker_right,
                }
            )
        if n % 100 == 0:
            print(f"  {path.name}: {n} of {len(records)} articles", file=sys.stderr)
    CACHE.mkdir(exist_ok=True)
    cache.write_text(json.dumps(rows))
    return rows


def _scored_item(statement) -> dict:
    parts = statement.content.parts or [statement.content.span]
    return {"content": [list(p) for p in parts], "name": statement.speaker_name or ""}


# ------------------------------------------------------------------------------------ model
def vocabulary(feats: list[list[str]], min_count: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in feats:
        for name in set(f):
            counts[name] = counts.get(name, 0) + 1
    return {name: k for k, name in enumerate(sorted(n for n, c in counts.items() if c >= min_count))}


def matrix(feats: list[list[str]], vocab: dict[str, int]) -> np.ndarray:
    X = np.zeros((len(feats), len(vocab)))
    for i, f in enumerate(feats):
        for name in f:
            j = vocab.get(name)
            if j is not None:
                X[i, j] = 1.0
    return X


def fit(X: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Logistic regression: sum of log-losses + l2/2 |w|^2 (bias unpenalised)."""
    d = X.shape[1]

    def fun(theta):
        w, b = theta[:d], theta[d]
        z = X @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        loss = -(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)).sum() + 0.5 * l2 * (w @ w)
        g = p - y
        return loss, np.concatenate([X.T @ g + l2 * w, [g.sum()]])

    theta = lbfgs(fun, np.zeros(d + 1))
    return theta[:d], float(theta[d])


def train(feats, y, l2=L2, min_count=MIN_COUNT):
    vocab = vocabulary(feats, min_count)
    w, b = fit(matrix(feats, vocab), np.asarray(y, dtype=float), l2)
    return vocab, w, b


def predict(model, feats) -> np.ndarray:
    vocab, w, b = model
    return 1.0 / (1.0 + np.exp(-(matrix(feats, vocab) @ w + b)))


# ------------------------------------------------------------------------------------ scores
def auc(y: np.ndarray, p: np.ndarray) -> float:
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    for value in np.unique(p):  # ties share their mean rank
        tie = p == value
        ranks[tie] = ranks[tie].mean()
    pos = y.sum()
    neg = len(y) - pos
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg)) if pos and neg else float("nan")


def summary(name: str, y, p) -> dict:
    y, p = np.asarray(y, dtype=float), np.asarray(p)
    out = {
        "items": int(len(y)),
        "right": round(float(y.mean()), 4),
        "auc": round(auc(y, p), 4),
        "log_loss": round(float(-(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)).mean()), 4),
        "brier": round(float(((p - y) ** 2).mean()), 4),
        "bins": [],
    }
    print(
        f"{name}: {out['items']} items, {out['right']:.3f} right; AUC {out['auc']:.3f}, "
        f"log-loss {out['log_loss']:.3f}, Brier {out['brier']:.3f}"
    )
    print("   predicted     items   mean predicted   share right")
    for lo, hi in ((0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)):
        inside = (p >= lo) & (p < hi)
        if inside.any():
            row = [
                lo,
                min(hi, 1.0),
                int(inside.sum()),
                round(float(p[inside].mean()), 3),
                round(float(y[inside].mean()), 3),
            ]
            out["bins"].append(row)
            print(f"   {lo:.1f}-{min(hi, 1.0):.1f}    {row[2]:>7}   {row[3]:>14.3f}   {row[4]:>11.3f}")
    return out


def thresholds(name: str, y, p, n_gold: int) -> None:
    """Precision and recall (as the scorer counts, overlap 0.3) if statements
    under each threshold were dropped."""
    y, p = np.asarray(y, dtype=bool), np.asarray(p)
    print(f"   {name}: drop under   kept   precision   recall   F1")
    for t in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5):
        keep = p >= t
        tp = int((y & keep).sum())
        precision = tp / keep.sum() if keep.sum() else 0.0
        recall = tp / n_gold
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"   {t:>14.1f}   {int(keep.sum()):>5}   {precision:>9.3f}   {recall:>6.3f}   {f1:.3f}")


def grouped_folds(articles: list[str], k: int = K, seed: int = SEED) -> list[np.ndarray]:
    names = sorted(set(articles))
    rng = np.random.default_rng(seed)
    rng.shuffle(names)
    fold_of = {a: i % k for i, a in enumerate(names)}
    index = np.array([fold_of[a] for a in articles])
    return [np.flatnonzero(index == f) for f in range(k)]


def cross_validated(rows, feats_key, label_key, l2=L2, min_count=MIN_COUNT) -> np.ndarray:
    p = np.zeros(len(rows))
    for test in grouped_folds([r["article"] for r in rows]):
        train_ = np.setdiff1d(np.arange(len(rows)), test)
        model = train([rows[i][feats_key] for i in train_], [rows[i][label_key] for i in train_], l2, min_count)
        p[test] = predict(model, [rows[i][feats_key] for i in test])
    return p


def gold_count(path: Path, sq) -> int:
    total = 0
    for line in path.open(encoding="utf-8"):
        if line.strip():
            record = json.loads(line)
            total += len(sq.gold_items(record, record["id"])[0])
    return total


def written(model) -> dict:
    vocab, w, b = model
    return {
        "bias": round(b, 4),
        "vocabulary": {name: round(float(w[j]), 4) for name, j in vocab.items() if abs(w[j]) >= 1e-4},
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--grid", action="store_true", help="the hyperparameter search on polnear_train (CV log-loss)")
    args = ap.parse_args(argv)
    sq = scorer(args.eval_dir)
    quotes = args.eval_dir / "quotes"
    train_rows = extract(quotes / "polnear_train.jsonl", sq)
    polnear_dev = extract(quotes / "polnear_dev.jsonl", sq)
    ggt_dev = extract(quotes / "ggt_dev.jsonl", sq)

    if args.grid:
        y = np.array([r["real"] for r in train_rows], dtype=float)
        for l2 in (1.0, 3.0, 10.0, 30.0):
            for min_count in (3, 5, 10):
                p = cross_validated(train_rows, "feats", "real", l2, min_count)
                loss = -(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)).mean()
                print(f"l2 {l2:>4}  min_count {min_count:>2}: CV log-loss {loss:.4f}, AUC {auc(y, p):.4f}")
        return

    print("== statement confidence: trained on polnear_train")
    statement_model = train([r["feats"] for r in train_rows], [r["real"] for r in train_rows])
    report = {}
    for name, rows, path in (("polnear_dev", polnear_dev, "polnear_dev.jsonl"), ("ggt_dev", ggt_dev, "ggt_dev.jsonl")):
        p = predict(statement_model, [r["feats"] for r in rows])
        report[f"statement@{name}"] = summary(name, [r["real"] for r in rows], p)
        thresholds(name, [r["real"] for r in rows], p, gold_count(quotes / path, sq))

    print("\n== speaker confidence: ggt_dev, 5-fold CV grouped by article")
    speaker_rows = [r for r in ggt_dev if r["speaker_right"] is not None]
    p = cross_validated(speaker_rows, "speaker_feats", "speaker_right")
    report["speaker@ggt_dev_cv"] = summary("ggt_dev (CV)", [r["speaker_right"] for r in speaker_rows], p)
    speaker_model = train([r["speaker_feats"] for r in speaker_rows], [r["speaker_right"] for r in speaker_rows])

    if not args.no_write:
        OUT.write_text(
            json.dumps(
                {"statement": written(statement_model), "speaker": written(speaker_model)}, indent=1, sort_keys=True
            )
            + "\n"
        )
        print(f"\nwrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
