# The witness and gc. The witness runs on a host that is neither the backup server nor the prune host, ideally
# in another AWS account (the aws.witness provider): it reads what the agents write, and writes and locks its
# attestations under <prefix>_witness/, nothing else. It never deletes. Deleting expired versions (segvault gc)
# needs the gc role, which only the witness may assume (with MFA when require_mfa = true), so no credential on
# the backup server or the prune host can delete anything.

# The provider of the witness's account. Callers pass it (providers = { aws = aws, aws.witness = ... }):
# another account's provider ideally, or aws itself. An empty block rather than configuration_aliases, so that
# `terraform validate` and `terraform test` also work in this directory (Terraform cannot validate a module
# whose aliases only a caller provides).
provider "aws" {
  alias = "witness"
}

locals {
  witness_arn = local.use_roles ? aws_iam_role.witness[0].arn : aws_iam_user.witness[0].arn
}

# ---------------------------------------------------------------- witness

# What restore may do (list and read <prefix>*, decrypt, the Deny on deleting and reconfiguring), plus writing
# and locking its own prefix and assuming gc.
data "aws_iam_policy_document" "witness" {
  source_policy_documents = [data.aws_iam_policy_document.restore.json]

  statement {
    sid       = "WriteAndLockOwnPrefix"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:PutObjectRetention"]
    resources = [local.witness_objects_arn]
  }

  statement {
    sid       = "AssumeGcRole"
    effect    = "Allow"
    actions   = ["sts:AssumeRole"]
    resources = [aws_iam_role.gc.arn]
  }

  # Writing attestations into an SSE-KMS bucket needs a data key (restore's statement allows kms:Decrypt).
  dynamic "statement" {
    for_each = local.use_kms ? [var.kms_key_arn] : []

    content {
      sid       = "EncryptAttestationsThroughS3"
      effect    = "Allow"
      actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [local.kms_via_s3]
      }
    }
  }

  # Writes anywhere but its own prefix, even if a broader policy is attached later.
  statement {
    sid           = "NeverWriteOutsideOwnPrefix"
    effect        = "Deny"
    actions       = ["s3:PutObject*", "s3:AbortMultipartUpload"]
    not_resources = [local.witness_objects_arn]
  }
}

resource "aws_iam_policy" "witness" {
  provider = aws.witness

  name        = "${var.name_prefix}-witness"
  description = local.descriptions.witness
  policy      = data.aws_iam_policy_document.witness.json
  tags        = var.tags
}

resource "aws_iam_role" "witness" {
  count    = local.use_roles ? 1 : 0
  provider = aws.witness

  name                 = "${var.name_prefix}-witness"
  description          = local.descriptions.witness
  assume_role_policy   = data.aws_iam_policy_document.trust["witness"].json
  permissions_boundary = var.witness_permissions_boundary_arn
  max_session_duration = 3600
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = length(var.trusted_principals.witness.aws) + length(var.trusted_principals.witness.services) > 0
      error_message = "trusted_principals.witness is empty: nobody could assume the witness role. Give the witness host's principal (for example services = [\"ec2.amazonaws.com\"] with create_instance_profiles), or use identity_type = \"user\"."
    }
  }
}

resource "aws_iam_role_policy_attachment" "witness" {
  count    = local.use_roles ? 1 : 0
  provider = aws.witness

  role       = aws_iam_role.witness[0].name
  policy_arn = aws_iam_policy.witness.arn
}

resource "aws_iam_instance_profile" "witness" {
  count    = local.use_roles && var.create_instance_profiles ? 1 : 0
  provider = aws.witness

  name = "${var.name_prefix}-witness"
  role = aws_iam_role.witness[0].name
  tags = var.tags
}

resource "aws_iam_user" "witness" {
  count    = local.use_roles ? 0 : 1
  provider = aws.witness

  name                 = "${var.name_prefix}-witness"
  permissions_boundary = var.witness_permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_user_policy_attachment" "witness" {
  count    = local.use_roles ? 0 : 1
  provider = aws.witness

  user       = aws_iam_user.witness[0].name
  policy_arn = aws_iam_policy.witness.arn
}

# What the bucket policy must add when the witness lives in another account (cross-account access needs the
# bucket's consent as well as the witness's own policy), and a Deny that keeps every other principal of any
# account, administrators included, from writing the witness's prefix. Pass it to the bucket module's
# additional_policy_documents; harmless when the witness is in the bucket's account.
data "aws_iam_policy_document" "witness_bucket" {
  statement {
    sid       = "WitnessListsAgentsPrefix"
    effect    = "Allow"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions"]
    resources = [var.bucket_arn]

    principals {
      type        = "AWS"
      identifiers = [local.witness_arn]
    }

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [local.list_prefix]
    }
  }

  statement {
    sid       = "WitnessReadsBucketLockSettings"
    effect    = "Allow"
    actions   = ["s3:GetBucketObjectLockConfiguration", "s3:GetBucketVersioning"]
    resources = [var.bucket_arn]

    principals {
      type        = "AWS"
      identifiers = [local.witness_arn]
    }
  }

  statement {
    sid    = "WitnessReadsAgentsObjects"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:GetObjectRetention",
      "s3:GetObjectAttributes",
      "s3:GetObjectVersionAttributes",
    ]
    resources = [local.objects_arn]

    principals {
      type        = "AWS"
      identifiers = [local.witness_arn]
    }
  }

  statement {
    sid       = "WitnessWritesOwnPrefix"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:PutObjectRetention"]
    resources = [local.witness_objects_arn]

    principals {
      type        = "AWS"
      identifiers = [local.witness_arn]
    }
  }

  statement {
    sid       = "OnlyTheWitnessWritesItsPrefix"
    effect    = "Deny"
    actions   = ["s3:PutObject*", "s3:AbortMultipartUpload"]
    resources = [local.witness_objects_arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = [local.witness_arn]
    }
  }
}

# ---------------------------------------------------------------- gc

# Only the witness identity may assume gc; with require_mfa only when the AssumeRole call carries MFA
# (an IAM user's device: AssumeRole with SerialNumber and TokenCode). An instance-profile session has no
# MFA, so with require_mfa gc becomes an operator's act on the witness host, never a timer's.
data "aws_iam_policy_document" "gc_trust" {
  statement {
    sid     = "OnlyTheWitness"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = [local.witness_arn]
    }

    dynamic "condition" {
      for_each = var.require_mfa ? [true] : []

      content {
        test     = "Bool"
        variable = "aws:MultiFactorAuthPresent"
        values   = ["true"]
      }
    }
  }
}

resource "aws_iam_role" "gc" {
  name                 = "${var.name_prefix}-gc"
  description          = local.descriptions.gc
  assume_role_policy   = data.aws_iam_policy_document.gc_trust.json
  permissions_boundary = var.permissions_boundary_arn
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "gc" {
  role       = aws_iam_role.gc.name
  policy_arn = aws_iam_policy.this["gc"].arn
}
