# One locked bucket and the agent's config file on an S3-compatible provider (Ceph RGW, Wasabi, Backblaze B2,
# Hetzner, MinIO, ...) through the AWS provider with a custom endpoint. The same modules/bucket as on AWS, with
# the parts only AWS has switched off: KMS, ownership controls, IAM identities, STS and account lookups.
# Before trusting the provider, run `segvault preflight --prove-lock` (docs/providers.md).

provider "aws" {
  region = var.region

  # Credentials come from the usual AWS variables or profile (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
  endpoints {
    s3 = var.endpoint
  }
  s3_use_path_style           = var.path_style
  skip_credentials_validation = true # no STS
  skip_requesting_account_id  = true # no STS / IAM
  skip_metadata_api_check     = true # not in EC2
  skip_region_validation      = true # provider regions are not AWS regions
}

locals {
  max_retention_days = var.retention_days + 2 * var.generation_days + var.retention_cap_slack_days
}

module "bucket" {
  source = "../../modules/bucket"

  bucket_name            = var.bucket_name
  default_retention_days = var.retention_days
  max_retention_days     = local.max_retention_days
  tags                   = var.tags

  # What only AWS has, or what this provider lacks.
  sse_algorithm           = var.sse_algorithm
  ownership_controls      = false
  public_access_block     = var.public_access_block
  bucket_policy           = var.bucket_policy
  deny_insecure_transport = var.deny_insecure_transport
  policy_lock_conditions  = var.policy_lock_conditions
  lifecycle_rules         = var.lifecycle_rules
  require_if_none_match   = var.require_if_none_match
}

module "agent_config" {
  source = "../../modules/agent-config"

  generated_by       = "terraform/examples/s3-compatible"
  bucket             = module.bucket.bucket_name
  endpoint           = var.endpoint
  path_style         = var.path_style
  region             = var.region
  prefix             = var.prefix
  repos              = var.repos
  glob               = var.glob
  retention_days     = var.retention_days
  generation_days    = var.generation_days
  max_retention_days = module.bucket.max_retention_days
  state_dir          = var.state_dir
}
