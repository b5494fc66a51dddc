# Stage 10's command from stage 5's committed int8 file (commit 6e128a2, the start and the teacher): the options that
# cpu_pair.sh's arms and gpu_recipe.sh's runs share, so that a run on the lent GPU is a run of the same recipe.
# Sourced: s5file_start START prints the network and its start (stage 5's file); s5file_recipe HARVEST IMAGES TEACHER
# SEED the rest (words meant to split); each caller adds where it runs (--workers, --threads, --device), the run's
# own options and --out. A run that starts elsewhere (another --arch and its --pretrained) leaves s5file_start out.
s5file_start() {
  echo "--arch faceres-bn-narrow-128 --init $1"
}
s5file_recipe() {
  echo "--harvest $1 --images $2 --distill $3
    --lr 1e-3 --backbone-lr 0.25 --batch 32 --steps 1400 --val-limit 300 --checkpoint-every 200
    --seed $4 --target-share 0.5 --min-resize 0.3 --colour-match-share 0.5 --video-share 0.25"
}
