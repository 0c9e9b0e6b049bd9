# The settings of the built-in recipe, sourced by make.sh (which runs it) and check.sh (which reruns its
# first steps and compares them with builtin/), so that the two cannot drift apart.
# The WordPiece vocabulary: cased, 16k pieces on the pre-training text.
VOCAB_ARGS=(--kind wordpiece --vocab-size 16000)
# Plain MLM pre-training from scratch (BERT, 4 layers, hidden 128, 4 heads, FFN 512: config.json); the
# learning-rate schedule depends on --steps, so a partial rerun passes the same --steps.
PRETRAIN_ARGS=(--config scripts/builtin/config.json --steps 2000 --batch-size 32 --max-length 128 --lr 1e-3 --seed 42
  --checkpoint-every 200 --quiet)
# The realignment pairs' languages (en-L), linked by xlt's own fast_align.
LINK_LANGS=(de fr ar)
