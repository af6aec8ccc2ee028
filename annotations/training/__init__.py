"""Training the check-worthiness scorers: never imported by the web server or the workers.

`debates.py` loads the labelled debates and splits them by debate (held-aside fold, validation debates,
cross-validation); `light.py` fits the committed light model, taught by a transformer; `transformer.py`
fine-tunes the transformer scorer and exports it to int8 ONNX. What they produce is served by
`annotations/extraction/` (`scoring.py`, `transformer.py`); the `train_extractor` command drives them.
"""
