"""Training pipeline for the deepfake classifier (self-blended images)."""
