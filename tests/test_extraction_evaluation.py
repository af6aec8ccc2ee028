import json

from annotations.extraction.evaluation import (
    average_precision,
    claimbuster_report,
    clef_file_scores,
    clef_report,
    read_claimbuster,
    read_clef2019,
)

CLAIMBUSTER_CSV = """Sentence_id,Text,Speaker,Speaker_title,Speaker_party,File_id,Length,Line_number,Sentiment,Verdict
1,Taxes rose 10%.,A,x,DEMOCRAT,d.txt,3,1,0.0,1
2,Thank you.,A,x,DEMOCRAT,d.txt,2,2,0.0,-1
3,"We cut crime by half, they say.",B,x,REPUBLICAN,d.txt,7,3,0.0,1
4,I met him in 1990.,B,x,REPUBLICAN,d.txt,5,4,0.0,0
5,Jobs fell by 2 million.,A,x,DEMOCRAT,d.txt,5,5,0.0,1
"""


def test_claimbuster_figures_match_a_hand_computation(tmp_path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text(CLAIMBUSTER_CSV, encoding="utf-8")
    sentences = read_claimbuster(path)
    # Predicted CFS: 1, 2, 4 (scores >= 0.5). Gold CFS: 1, 3, 5.
    # TP = 1 (sentence 1); precision = 1/3; recall = 1/3; F1 = 1/3.
    report = claimbuster_report(sentences, [0.9, 0.6, 0.1, 0.7, 0.2], threshold=0.5)
    figures = json.loads(report.splitlines()[-1])
    assert figures == {"precision": 0.3333, "recall": 0.3333, "f1": 0.3333, "n": 5}
    assert "NFS" in report and "UFS" in report


def test_clef_figures_match_a_hand_computation(tmp_path) -> None:
    first = tmp_path / "a.tsv"
    first.write_text(
        "1\tX\tone\t0\n2\tX\ttwo\t1\n3\tY\tthree\t0\n4\tY\tfour\t1\n", encoding="utf-8"
    )
    second = tmp_path / "b.tsv"
    second.write_text("1\tX\tone\t1\n2\tX\ttwo\t0\n", encoding="utf-8")
    # a: ranking 1, 2, 3, 4 -> relevant at ranks 2 and 4: AP = (1/2 + 2/4) / 2 = 0.5; P@10 = 2/10.
    # b: ranking 2, 1 -> relevant at rank 2: AP = 0.5; P@10 = 1/10.
    per_file = {
        "a": clef_file_scores(read_clef2019(first), [0.9, 0.8, 0.7, 0.6]),
        "b": clef_file_scores(read_clef2019(second), [0.1, 0.2]),
    }
    figures = json.loads(clef_report(per_file).splitlines()[-1])
    assert figures == {"map": 0.5, "p_at_10": 0.15, "files": 2}


def test_average_precision_of_a_perfect_ranking_is_one() -> None:
    assert average_precision([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2]) == 1.0
