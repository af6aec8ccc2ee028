"""The transformer scorer at run time: a fine-tuned MiniLM sentence encoder, int8 ONNX, served by onnxruntime.

No torch here. The model directory (``FACTCHECK_DATA_DIR/models/transformer/`` by default) holds
``model.int8.onnx``, the encoder's ``tokenizer.json`` and ``meta.json`` (version, maximum length). Training and
export live in ``annotations/training/transformer.py``.
"""

import json
import os
from pathlib import Path

import numpy as np

MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
META_FILE = "meta.json"
_BATCH_SIZE = 64


def transformer_model_dir() -> Path:
    """Where the trained model lives: the data directory, never the repository."""
    data_dir = os.environ.get("FACTCHECK_DATA_DIR") or str(
        Path(__file__).resolve().parents[2] / "data"
    )
    return Path(data_dir) / "models" / "transformer"


def transformer_installed(model_dir: Path | None = None) -> bool:
    """True when the trained model files and onnxruntime/tokenizers are all present."""
    model_dir = model_dir or transformer_model_dir()
    if not all((model_dir / name).exists() for name in (MODEL_FILE, TOKENIZER_FILE, META_FILE)):
        return False
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return True


class TransformerModel:
    """Scores sentences with the exported encoder; loaded once per process."""

    def __init__(self, model_dir: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.meta = json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))
        self.version: str = self.meta["version"]
        self.tokenizer = Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))
        self.tokenizer.enable_truncation(max_length=int(self.meta["max_length"]))
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        # Scores are shifted so that the threshold chosen on validation debates becomes 0.5.
        threshold = float(self.meta.get("threshold", 0.5))
        self.logit_shift = float(np.log(threshold / (1.0 - threshold)))
        options = onnxruntime.SessionOptions()
        # One worker process is one scoring thread pool; keep it to the machine's share.
        options.intra_op_num_threads = int(os.environ.get("FACTCHECK_ONNX_THREADS", "2"))
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(model_dir / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )

    def score(self, sentences: list[str]) -> list[float]:
        scores: list[float] = []
        # Sorting by length keeps padding small; scores are put back in the caller's order.
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        by_position = [0.0] * len(sentences)
        for offset in range(0, len(order), _BATCH_SIZE):
            batch = order[offset : offset + _BATCH_SIZE]
            encodings = self.tokenizer.encode_batch([sentences[i] for i in batch])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            (logits,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            for i, logit in zip(batch, logits.reshape(-1), strict=True):
                by_position[i] = float(1.0 / (1.0 + np.exp(self.logit_shift - float(logit))))
        scores.extend(by_position)
        return scores
