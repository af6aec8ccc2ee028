"""The light scorer taught by the transformer: unlabelled sentences, soft targets, the training command."""

import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from scipy.sparse import hstack
from sklearn.linear_model import LogisticRegression

from annotations.extraction.evaluation import LabelledSentence
from annotations.extraction.scoring import LightModel, make_vectorizers
from annotations.training.debates import load_training_data
from annotations.training.light import fit_light_model, unlabelled_sentences
from tests.test_extraction_commands import transformer_extra_missing

DEBATES = ["1960-09-26", "1976-10-22", "1980-09-21", "1992-10-15", "2016-09-26"]
CLAIMBUSTER_HEADER = "Sentence_id,Text,Speaker,Speaker_title,Speaker_party,File_id,Length,Line_number,Sentiment,Verdict\n"
CHECKWORTHY = ["Unemployment rose by {n} percent last year.", "We spent {n} billion dollars on it."]
NOT_CHECKWORTHY = ["Thank you, {n} times.", "I think we can do better {n}."]


def write_datasets(root: Path) -> Path:
    """A miniature of ../shared/datasets: five ClaimBuster debates, a CLEF file, transcripts, LIAR, BBC."""
    rows = []
    for d, debate in enumerate(DEBATES):
        for n in range(12):
            forms = CHECKWORTHY if n % 3 == 0 else NOT_CHECKWORTHY
            verdict = 1 if n % 3 == 0 else -1
            text = forms[n % 2].format(n=d * 100 + n)
            rows.append(f'{len(rows)},"{text}",A,x,DEMOCRAT,{debate}.txt,5,{n},0.0,{verdict}\n')
    claimbuster = root / "claimbuster"
    (claimbuster / "debate_transcripts").mkdir(parents=True)
    (claimbuster / "crowdsourced_dev.csv").write_text(CLAIMBUSTER_HEADER + "".join(rows))
    (claimbuster / "groundtruth_dev.csv").write_text(CLAIMBUSTER_HEADER)
    for debate in DEBATES:
        (claimbuster / "debate_transcripts" / f"{debate}.txt").write_text(
            f"{debate}\n\nMODERATOR: Welcome to the debate in {debate}. Inflation was {debate[:4]}"
            " percent.\nA: Thank you, 0 times.\n"
        )
    clef = root / "clef2019_checkthat_task1" / "training"
    clef.mkdir(parents=True)
    (clef / "20160926_1pres.tsv").write_text(
        "1\tHOLT\tTaxes fell by 3 percent in the first debate.\t1\n2\tTRUMP\tGood evening.\t0\n"
    )
    (root / "liar").mkdir()
    (root / "liar" / "train.tsv").write_text(
        "1.json\tfalse\tSays crime doubled in 2015.\tcrime\tx\t\t\t\t0\t0\t0\t0\t0\tad\n"
    )
    (root / "bbc_news").mkdir()
    (root / "bbc_news" / "articles_dev.jsonl").write_text(
        json.dumps({"id": "b/1", "text": "Profits jumped 76% to $1.13bn. The firm is happy."})
        + "\n"
    )
    return root


def test_unlabelled_sentences_leave_out_held_out_debates_and_labelled_text(tmp_path) -> None:
    datasets = write_datasets(tmp_path)
    data = load_training_data(datasets)
    everything = unlabelled_sentences(data, datasets)
    assert "Taxes fell by 3 percent in the first debate." in everything  # CLEF
    assert "Welcome to the debate in 1992-10-15." in everything  # a moderator's line
    assert "crime doubled in 2015." in everything  # LIAR, without PolitiFact's "Says"
    assert "Profits jumped 76% to $1.13bn." in everything  # BBC, split into sentences
    assert not {s.text for s in data.claimbuster} & set(everything)
    assert len(everything) == len(set(everything))

    # The CLEF file of the 2016-09-26 debate goes with that debate.
    held_out = unlabelled_sentences(data, datasets, leave_out={"2016-09-26", "1992-10-15"})
    assert not any("2016-09-26" in text or "1992-10-15" in text for text in held_out)
    assert "Taxes fell by 3 percent in the first debate." not in held_out
    assert "Welcome to the debate in 1960-09-26." in held_out


def test_the_teachers_scores_are_learned_as_soft_targets() -> None:
    # The labels say little about "tariffs" (once each way); the teacher says it is check-worthy and that
    # "applause" is not.
    labelled = [
        LabelledSentence(f"the budget grew by {n} percent", 1, "d", n) for n in range(20)
    ] + [LabelledSentence(f"good evening everyone {n}", -1, "d", n) for n in range(60)]
    labelled += [
        LabelledSentence("tariffs applause tonight", 1, "d", 80),
        LabelledSentence("tariffs applause again", -1, "d", 81),
        LabelledSentence("tariffs applause as ever", -1, "d", 82),
    ]
    taught = [(f"tariffs went up {n}", 0.95) for n in range(40)]
    taught += [(f"applause in the hall {n}", 0.05) for n in range(40)]
    alone = LightModel(fit_light_model(labelled))
    with_teacher = LightModel(fit_light_model(labelled, taught))
    tariffs, applause = "tariffs", "applause"
    assert with_teacher.score([tariffs])[0] > 0.5 > with_teacher.score([applause])[0]
    assert with_teacher.score([tariffs])[0] > alone.score([tariffs])[0]
    state = fit_light_model(labelled, taught)
    assert state["training"] == {
        "sentences": 83,
        "positives": 21,
        "teacher_scored_sentences": 80,
        "C": 2.0,
    }
    # The vocabularies are the labelled sentences' own: the teacher's sentences add no n-gram ("went").
    assert state["vectorizers"] == fit_light_model(labelled)["vectorizers"]
    assert "went" not in state["vectorizers"][0]["vocabulary"]


def test_labels_alone_are_balanced_as_before() -> None:
    labelled = [
        LabelledSentence(f"the budget grew by {n} percent", 1, "d", n) for n in range(10)
    ] + [LabelledSentence(f"good evening {n} everyone", -1, "d", n) for n in range(30)]
    state = fit_light_model(labelled)
    vectorizers = make_vectorizers()
    texts = [s.text for s in labelled]
    features = hstack([v.fit_transform(texts) for v in vectorizers]).tocsr()
    balanced = LogisticRegression(class_weight="balanced", max_iter=3000)
    balanced.fit(features, [s.label == 1 for s in labelled])
    assert state["coefficients"] == pytest.approx(list(balanced.coef_[0]), abs=1e-4)
    # Served from its JSON state, the model scores as the fitted classifier does.
    assert LightModel(state).score(texts) == pytest.approx(
        list(balanced.predict_proba(features)[:, 1]), abs=1e-4
    )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_missing_teacher_or_dataset_is_a_clear_error(tmp_path) -> None:
    datasets = write_datasets(tmp_path / "datasets")
    with pytest.raises(CommandError, match="No transformer model in .*nowhere"):
        run("train_extractor", "--datasets", str(datasets), "--teacher", str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match=r"nowhere/fold-1.*--cross-validate\."):
        run(
            "train_extractor",
            "--datasets",
            str(datasets),
            "--cross-validate",
            "--teacher",
            str(tmp_path / "nowhere"),
        )
    (datasets / "liar" / "train.tsv").unlink()
    (tmp_path / "teacher").mkdir()
    for name in ("model.int8.onnx", "tokenizer.json", "meta.json"):
        (tmp_path / "teacher" / name).write_text("{}")
    with pytest.raises(CommandError, match=r"liar/train\.tsv is missing"):
        run("train_extractor", "--datasets", str(datasets), "--teacher", str(tmp_path / "teacher"))


@pytest.mark.skipif(
    transformer_extra_missing() is not None, reason=str(transformer_extra_missing())
)
def test_train_and_cross_validate_the_light_model_with_a_transformer_teacher(tmp_path) -> None:
    datasets = write_datasets(tmp_path / "datasets")
    teachers = tmp_path / "teachers"
    run(
        "train_extractor",
        "--scorer",
        "transformer",
        "--tiny",
        "--datasets",
        str(datasets),
        "--output",
        str(teachers / "fold-1"),
    )
    light_path = tmp_path / "light.json.gz"
    output = run(
        "train_extractor",
        "--datasets",
        str(datasets),
        "--teacher",
        str(teachers / "fold-1"),
        "--output",
        str(light_path),
    )
    assert "(60 ClaimBuster sentences, 21 scored by the teacher)" in output
    state = json.loads(gzip.decompress(light_path.read_bytes()))
    teacher_version = json.loads((teachers / "fold-1" / "meta.json").read_text())["version"]
    assert state["training"]["teacher"] == teacher_version
    assert state["training"]["teacher_scored_sentences"] == 21

    # Cross-validation with one teacher per fold (the same tiny model copied for the test).
    for fold in range(2, 6):
        (teachers / f"fold-{fold}").symlink_to(teachers / "fold-1")
    report = run(
        "train_extractor",
        "--datasets",
        str(datasets),
        "--cross-validate",
        "--teacher",
        str(teachers),
    )
    assert "fold 5: " in report and f"scored by {teacher_version}" in report
    figures = json.loads(report[report.index("{") :])
    assert figures["claimbuster"]["n"] == 60
