# One locked bucket, the three segvault identities, and the agent's config file.

provider "aws" {
  region = var.region
}

locals {
  max_retention_days = var.retention_days + 2 * var.generation_days + var.retention_cap_slack_days
}

module "bucket" {
  source = "../../modules/bucket"

  bucket_name              = var.bucket_name
  default_retention_days   = var.retention_days
  max_retention_days       = local.max_retention_days
  generation_days          = var.generation_days
  sse_algorithm            = var.sse_algorithm
  kms_break_glass_role_arn = var.kms_break_glass_role_arn
  tags                     = var.tags
}

module "iam" {
  source = "../../modules/iam"
  # The witness in the bucket's account here; examples/aws-with-witness puts it in another account.
  providers = {
    aws         = aws
    aws.witness = aws
  }

  name_prefix        = "segvault-${var.bucket_name}"
  bucket_arn         = module.bucket.bucket_arn
  prefix             = var.prefix
  kms_key_arn        = module.bucket.kms_key_arn
  identity_type      = var.identity_type
  trusted_principals = var.trusted_principals
  require_mfa        = var.require_mfa
  tags               = var.tags
}

module "agent_config" {
  source = "../../modules/agent-config"

  generated_by       = "terraform/examples/aws-single-region"
  bucket             = module.bucket.bucket_name
  region             = module.bucket.region
  prefix             = module.iam.prefix
  repos              = var.repos
  glob               = var.glob
  retention_days     = var.retention_days
  generation_days    = var.generation_days
  max_retention_days = module.bucket.max_retention_days
  role_arn           = module.iam.agent_role_arn
}
