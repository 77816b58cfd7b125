# Renders the agent's config file (agent.yaml) from the values the bucket and
# iam modules produce, so the file cannot disagree with the bucket.

locals {
  endpoint = lower(var.endpoint == null ? "" : var.endpoint)
  # plain http:// to anything but loopback: the agent refuses it without allowInsecureHttp
  plain_http_elsewhere = startswith(local.endpoint, "http://") && !can(regex("^http://(localhost|127[.][0-9]+[.][0-9]+[.][0-9]+|[[]::1[]])(:[0-9]+)?(/.*)?$", local.endpoint))

  agent_yaml = templatefile("${path.module}/agent.yaml.tftpl", {
    generated_by        = var.generated_by
    role_arn            = var.role_arn
    bucket              = var.bucket
    endpoint            = var.endpoint
    allow_insecure_http = var.allow_insecure_http
    region              = var.region
    path_style          = var.path_style
    prefix              = var.prefix
    repos               = var.repos
    glob                = var.glob
    retention_days      = var.retention_days
    generation_days     = var.generation_days
    state_dir           = var.state_dir
    concurrency         = var.upload_concurrency
    part_size           = var.upload_part_size
    max_bandwidth       = var.upload_max_bandwidth
  })
}
