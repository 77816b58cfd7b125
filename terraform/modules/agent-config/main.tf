# Renders the agent's config file (agent.yaml) from the values the bucket and
# iam modules produce, so the file cannot disagree with the bucket.

locals {
  agent_yaml = templatefile("${path.module}/agent.yaml.tftpl", {
    generated_by    = var.generated_by
    role_arn        = var.role_arn
    bucket          = var.bucket
    endpoint        = var.endpoint
    region          = var.region
    path_style      = var.path_style
    prefix          = var.prefix
    repos           = var.repos
    glob            = var.glob
    retention_days  = var.retention_days
    generation_days = var.generation_days
    state_dir       = var.state_dir
    concurrency     = var.upload_concurrency
    part_size       = var.upload_part_size
    max_bandwidth   = var.upload_max_bandwidth
  })
}
