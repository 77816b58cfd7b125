# Four identities with the least privilege each job needs, all confined to
# one key prefix of the locked bucket:
#   agent   - writes and locks new objects, extends locks, reads and lists; never deletes,
#             never writes the witness's prefix
#   restore - reads and lists only
#   witness - reads and lists the agents' prefix, writes only <prefix>_witness/; never deletes
#             (witness.tf; made with the aws.witness provider, ideally in another account)
#   gc      - deletes object versions (Object Lock refuses every locked one) and lists; a role
#             that only the witness may assume (witness.tf)
# See docs/terraform.md for what each permission is for.

locals {
  use_roles = var.identity_type == "role"
  use_kms   = var.kms_key_arn != null

  objects_arn = "${var.bucket_arn}/${var.prefix}*"
  list_prefix = "${var.prefix}*"
  # The witness's own prefix: a repository name never starts with '_', so no repository can be called this.
  witness_prefix      = "${var.prefix}_witness/"
  witness_objects_arn = "${var.bucket_arn}/${var.prefix}_witness/*"

  # What no segvault identity may ever do to the bucket or its objects; an explicit Deny, so a broader
  # policy attached later cannot grant it.
  never = [
    "s3:Delete*",
    "s3:BypassGovernanceRetention",
    "s3:Put*Configuration",
    "s3:PutBucketPolicy",
    "s3:PutBucketVersioning",
    "s3:PutBucketAcl",
    "s3:PutObjectAcl",
    "s3:PutObjectVersionAcl",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketOwnershipControls",
    "s3:PutObjectLegalHold",
  ]

  # A KMS key ARN is arn:<partition>:kms:<region>:<account>:key/<id>.
  kms_via_s3 = local.use_kms ? "s3.${split(":", var.kms_key_arn)[3]}.amazonaws.com" : null

  # The identities made in the bucket's account with the default provider, as roles or users; gc is always a
  # role (only the witness may assume it) and the witness is made with the aws.witness provider (witness.tf).
  account_policies = tomap({
    agent   = data.aws_iam_policy_document.agent.json
    restore = data.aws_iam_policy_document.restore.json
    gc      = data.aws_iam_policy_document.gc.json
  })
  policies = merge(local.account_policies, { witness = data.aws_iam_policy_document.witness.json })
  descriptions = {
    agent   = "segvault agent: write and lock new objects under ${var.prefix}, extend locks, read and list; no delete"
    restore = "segvault restore: read and list objects under ${var.prefix}; no write"
    gc      = "segvault gc: list, read and delete object versions under ${var.prefix} whose lock has run out; assumable only by the witness"
    witness = "segvault witness: read and list ${var.prefix}, write and lock only ${local.witness_prefix}; no delete"
  }
  host_identities = toset(["agent", "restore"])
  roles           = local.use_roles ? local.host_identities : toset([])
  users           = local.use_roles ? toset([]) : local.host_identities
}

# ---------------------------------------------------------------- agent

data "aws_iam_policy_document" "agent" {
  statement {
    sid       = "ListOwnPrefix"
    effect    = "Allow"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions"]
    resources = [var.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [local.list_prefix]
    }
  }

  # ListMultipartUploads has no s3:prefix condition key; it lists keys and
  # upload ids, never data. The agent needs it to abort its stale uploads.
  statement {
    sid       = "ListMultipartUploads"
    effect    = "Allow"
    actions   = ["s3:ListBucketMultipartUploads"]
    resources = [var.bucket_arn]
  }

  statement {
    sid       = "ReadBucketLockSettings"
    effect    = "Allow"
    actions   = ["s3:GetBucketObjectLockConfiguration", "s3:GetBucketVersioning"]
    resources = [var.bucket_arn]
  }

  statement {
    sid    = "WriteAndLockObjects"
    effect = "Allow"
    actions = [
      "s3:PutObject",
      "s3:PutObjectRetention",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = [local.objects_arn]
  }

  statement {
    sid    = "ReadObjects"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:GetObjectRetention",
      "s3:GetObjectAttributes",
      "s3:GetObjectVersionAttributes",
    ]
    resources = [local.objects_arn]
  }

  dynamic "statement" {
    for_each = local.use_kms ? [var.kms_key_arn] : []

    content {
      sid       = "UseBucketKeyThroughS3"
      effect    = "Allow"
      actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [local.kms_via_s3]
      }
    }
  }

  # Guard rail: even if someone later attaches a broader policy to the agent,
  # it can never delete, bypass a lock, or change how the bucket is set up.
  statement {
    sid       = "NeverDeleteOrReconfigure"
    effect    = "Deny"
    actions   = local.never
    resources = [var.bucket_arn, "${var.bucket_arn}/*"]
  }

  # The witness's attestations are evidence only because the backup server cannot write them: the Allow
  # above covers <prefix>*, which includes <prefix>_witness/, so this Deny carves it out.
  statement {
    sid       = "NeverWriteTheWitnessPrefix"
    effect    = "Deny"
    actions   = ["s3:PutObject*", "s3:AbortMultipartUpload"]
    resources = [local.witness_objects_arn]
  }
}

# ---------------------------------------------------------------- restore

data "aws_iam_policy_document" "restore" {
  statement {
    sid       = "ListOwnPrefix"
    effect    = "Allow"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions"]
    resources = [var.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [local.list_prefix]
    }
  }

  statement {
    sid       = "ReadBucketLockSettings"
    effect    = "Allow"
    actions   = ["s3:GetBucketObjectLockConfiguration", "s3:GetBucketVersioning"]
    resources = [var.bucket_arn]
  }

  statement {
    sid    = "ReadObjects"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:GetObjectRetention",
      "s3:GetObjectAttributes",
      "s3:GetObjectVersionAttributes",
    ]
    resources = [local.objects_arn]
  }

  dynamic "statement" {
    for_each = local.use_kms ? [var.kms_key_arn] : []

    content {
      sid       = "DecryptThroughS3"
      effect    = "Allow"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [local.kms_via_s3]
      }
    }
  }

  statement {
    sid       = "NeverDeleteOrReconfigure"
    effect    = "Deny"
    actions   = local.never
    resources = [var.bucket_arn, "${var.bucket_arn}/*"]
  }
}

# ---------------------------------------------------------------- gc

# gc decides what to delete from listings, the restore points and attestations it reads and the lock of
# each candidate version; so it lists, reads and deletes versions, and nothing else. Object Lock in
# COMPLIANCE mode refuses to delete any version that is still locked.
data "aws_iam_policy_document" "gc" {
  statement {
    sid       = "ListOwnPrefix"
    effect    = "Allow"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions"]
    resources = [var.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [local.list_prefix]
    }
  }

  statement {
    sid       = "ReadPointsAndLocks"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectRetention"]
    resources = [local.objects_arn]
  }

  statement {
    sid       = "DeleteExpiredVersions"
    effect    = "Allow"
    actions   = ["s3:DeleteObjectVersion"]
    resources = [local.objects_arn]
  }

  dynamic "statement" {
    for_each = local.use_kms ? [var.kms_key_arn] : []

    content {
      sid       = "DecryptPointsThroughS3"
      effect    = "Allow"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [local.kms_via_s3]
      }
    }
  }
}

# ---------------------------------------------------------------- identities in the bucket's account

resource "aws_iam_policy" "this" {
  for_each = local.account_policies

  name        = "${var.name_prefix}-${each.key}"
  description = local.descriptions[each.key]
  policy      = each.value
  tags        = var.tags
}

# Who may assume the agent, restore and witness roles (the witness's is used in witness.tf).
data "aws_iam_policy_document" "trust" {
  for_each = local.use_roles ? setunion(local.host_identities, ["witness"]) : toset([])

  dynamic "statement" {
    for_each = length(var.trusted_principals[each.key].aws) > 0 ? [var.trusted_principals[each.key].aws] : []

    content {
      sid     = "TrustedPrincipals"
      effect  = "Allow"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.trusted_principals[each.key].services) > 0 ? [var.trusted_principals[each.key].services] : []

    content {
      sid     = "TrustedServices"
      effect  = "Allow"
      actions = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]

      principals {
        type        = "Service"
        identifiers = statement.value
      }
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.roles

  name                 = "${var.name_prefix}-${each.key}"
  description          = local.descriptions[each.key]
  assume_role_policy   = data.aws_iam_policy_document.trust[each.key].json
  permissions_boundary = var.permissions_boundary_arn
  max_session_duration = 3600
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = length(var.trusted_principals[each.key].aws) + length(var.trusted_principals[each.key].services) > 0
      error_message = "trusted_principals.${each.key} is empty: nobody could assume the ${each.key} role. Give at least one AWS principal ARN or service principal, or use identity_type = \"user\"."
    }
  }
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = local.roles

  role       = aws_iam_role.this[each.key].name
  policy_arn = aws_iam_policy.this[each.key].arn
}

resource "aws_iam_instance_profile" "this" {
  for_each = var.create_instance_profiles ? local.roles : toset([])

  name = "${var.name_prefix}-${each.key}"
  role = aws_iam_role.this[each.key].name
  tags = var.tags
}

resource "aws_iam_user" "this" {
  for_each = local.users

  name                 = "${var.name_prefix}-${each.key}"
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_user_policy_attachment" "this" {
  for_each = local.users

  user       = aws_iam_user.this[each.key].name
  policy_arn = aws_iam_policy.this[each.key].arn
}
