# A locked bucket, the agent and restore identities in the bucket's account, and the witness in a second AWS
# account: it reads the agents' prefix, writes and locks attestations under <prefix>_witness/ only, and is
# the only principal that may assume the gc role (with MFA when require_mfa = true). No credential the backup
# server or a prune host holds can delete anything, and administrators of the bucket's account cannot
# impersonate the witness without also holding the witness account.

provider "aws" {
  region = var.region
}

# The witness's account: Terraform assumes a role there to create the witness identity.
provider "aws" {
  alias  = "witness"
  region = var.region

  assume_role {
    role_arn     = var.witness_account_role_arn
    session_name = "segvault-terraform"
  }
}

data "aws_caller_identity" "bucket" {}

data "aws_caller_identity" "witness" {
  provider = aws.witness
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

  # The witness is in another account: the bucket must consent to its reads and writes, and no one else may
  # write its prefix. With SSE-KMS its role must also be allowed to use the key through S3.
  additional_policy_documents = [module.iam.witness_bucket_policy_json]
  kms_key_user_arns           = var.sse_algorithm == "aws:kms" ? [module.iam.witness_arn] : []
}

module "iam" {
  source = "../../modules/iam"
  providers = {
    aws         = aws
    aws.witness = aws.witness
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

  generated_by       = "terraform/examples/aws-with-witness"
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

check "witness_in_another_account" {
  assert {
    condition     = data.aws_caller_identity.witness.account_id != data.aws_caller_identity.bucket.account_id
    error_message = "witness_account_role_arn leads back to the bucket's account (${data.aws_caller_identity.bucket.account_id}): an administrator of that account could then act as the witness, attest points and assume gc."
  }
}
