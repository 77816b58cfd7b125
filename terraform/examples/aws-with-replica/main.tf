# A locked bucket replicated into a second locked bucket in another region,
# the three segvault identities, and the agent's config file. The replica is
# made by the same bucket module, so it is Object Lock + COMPLIANCE with the
# same retention cap; replicated versions keep the source's retain-until date.

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "replica"
  region = var.replica_region
}

locals {
  max_retention_days = var.retention_days + 2 * var.generation_days + var.retention_cap_slack_days
}

module "replica" {
  source = "../../modules/bucket"
  providers = {
    aws = aws.replica
  }

  bucket_name            = var.replica_bucket_name
  default_retention_days = var.retention_days
  max_retention_days     = local.max_retention_days
  sse_algorithm          = var.sse_algorithm
  tags                   = var.tags
}

module "bucket" {
  source = "../../modules/bucket"

  bucket_name            = var.bucket_name
  default_retention_days = var.retention_days
  max_retention_days     = local.max_retention_days
  sse_algorithm          = var.sse_algorithm
  tags                   = var.tags

  replication = {
    destination_bucket_arn  = module.replica.bucket_arn
    destination_kms_key_arn = module.replica.kms_key_arn
  }
}

module "iam" {
  source = "../../modules/iam"

  name_prefix        = "segvault-${var.bucket_name}"
  bucket_arn         = module.bucket.bucket_arn
  prefix             = var.prefix
  kms_key_arn        = module.bucket.kms_key_arn
  identity_type      = var.identity_type
  trusted_principals = var.trusted_principals
  tags               = var.tags
}

module "agent_config" {
  source = "../../modules/agent-config"

  generated_by       = "terraform/examples/aws-with-replica"
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

check "replica_in_another_region" {
  assert {
    condition     = var.replica_region != var.region
    error_message = "replica_region equals region (${var.region}): the replica only protects against a regional outage in another region."
  }
}
