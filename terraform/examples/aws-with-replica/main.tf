# A locked bucket replicated into a second locked bucket in another AWS account
# and another region, the segvault identities, and the agent's config file. The
# replica is made by the same bucket module, so it is Object Lock + COMPLIANCE
# with the same retention cap; replicated versions keep the source's
# retain-until date. Nobody with credentials of the primary account alone,
# its administrators included, can reconfigure or empty the replica.

provider "aws" {
  region = var.region
}

# The replica's account: Terraform assumes a role there (from the credentials the default provider uses).
provider "aws" {
  alias  = "replica"
  region = var.replica_region

  assume_role {
    role_arn     = var.replica_account_role_arn
    session_name = "segvault-terraform"
  }
}

data "aws_caller_identity" "primary" {}

data "aws_caller_identity" "replica" {
  provider = aws.replica
}

locals {
  max_retention_days = var.retention_days + 2 * var.generation_days + var.retention_cap_slack_days
}

module "replica" {
  source = "../../modules/bucket"
  providers = {
    aws = aws.replica
  }

  bucket_name              = var.replica_bucket_name
  default_retention_days   = var.retention_days
  max_retention_days       = local.max_retention_days
  generation_days          = var.generation_days
  sse_algorithm            = var.sse_algorithm
  kms_break_glass_role_arn = var.replica_kms_break_glass_role_arn != null ? var.replica_kms_break_glass_role_arn : var.kms_break_glass_role_arn
  tags                     = var.tags

  # The replica's account consents to the primary's replication role writing into it; that role can replicate,
  # never delete. Its key (with SSE-KMS) trusts the primary account, whose IAM policy lets only the replication
  # role encrypt with it: naming the role itself here would make the role depend on the key it needs.
  replication_source_role_arns = [module.bucket.replication_role_arn]
  kms_key_user_arns            = var.sse_algorithm == "aws:kms" ? ["arn:aws:iam::${data.aws_caller_identity.primary.account_id}:root"] : []
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

  replication = {
    destination_bucket_arn  = module.replica.bucket_arn
    destination_kms_key_arn = module.replica.kms_key_arn
  }
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

check "replica_in_another_account" {
  assert {
    condition     = data.aws_caller_identity.replica.account_id != data.aws_caller_identity.primary.account_id
    error_message = "replica_account_role_arn leads back to the primary's account (${data.aws_caller_identity.primary.account_id}): whoever administers that account could then reconfigure both buckets."
  }
}

check "replica_in_another_region" {
  assert {
    condition     = var.replica_region != var.region
    error_message = "replica_region equals region (${var.region}): the replica only protects against a regional outage in another region."
  }
}
