# The optional SSE-KMS key. Whoever may disable the key or schedule its deletion can make every locked object
# unreadable, which Object Lock does not prevent. So a key made here has a key policy of its own: the account's
# IAM policies may use it (the identities' kms:Encrypt/Decrypt through S3), but DisableKey, ScheduleKeyDeletion,
# PutKeyPolicy and CreateGrant are denied to every principal except the break-glass role, and the deletion
# window must outlast D + G. AWS allows at most 30 days, so such a key exists only for D + G <= 29; with a longer
# D + G use SSE-S3 (the default). See docs/terraform.md.

locals {
  kms_guarded_actions = ["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:CreateGrant"]
  account_id          = try(data.aws_caller_identity.current[0].account_id, null)
  # The partition from the break-glass role's ARN (arn:<partition>:iam::...), so no extra lookup is needed.
  partition = try(split(":", var.kms_break_glass_role_arn)[1], "aws")
}

# Only with a break-glass role: without one the key's precondition below stops the plan.
data "aws_iam_policy_document" "kms" {
  count = local.create_kms_key && var.kms_break_glass_role_arn != null ? 1 : 0

  # Without this, no IAM policy of the account could grant use of the key.
  statement {
    sid       = "AccountIamPoliciesMayGrantUse"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # Principals of other accounts (a witness, the replication role of a source bucket) that S3 encrypts and
  # decrypts for; their own account's IAM policy must allow it as well.
  dynamic "statement" {
    for_each = length(var.kms_key_user_arns) > 0 ? [var.kms_key_user_arns] : []

    content {
      sid       = "OtherAccountsUseThroughS3"
      effect    = "Allow"
      actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [local.s3_via_service]
      }
    }
  }

  statement {
    sid       = "OnlyBreakGlassMayDisableDeleteRepolicyOrGrant"
    effect    = "Deny"
    actions   = local.kms_guarded_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = [var.kms_break_glass_role_arn]
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "SSE-KMS key of the segvault bucket ${var.bucket_name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  policy                  = one(data.aws_iam_policy_document.kms[*].json)
  # KMS refuses a policy that denies PutKeyPolicy to the principal creating the key, unless told to skip that
  # check. Here that is the point: only the break-glass role may change the policy, so Terraform running as
  # another principal can create the key but never loosen it later.
  bypass_policy_lockout_safety_check = true
  tags                               = var.tags

  lifecycle {
    # A plan that would delete the key of a bucket full of locked objects (for example switching an existing
    # bucket to SSE-S3) fails instead; docs/terraform.md says how to keep an existing key.
    prevent_destroy = true

    precondition {
      condition     = var.kms_break_glass_role_arn != null
      error_message = "kms_break_glass_role_arn is required when the module creates a KMS key (sse_algorithm = \"aws:kms\" without kms_key_arn): only that role may disable the key, schedule its deletion, change its policy or create grants. Or use sse_algorithm = \"AES256\" (SSE-S3)."
    }
    precondition {
      condition     = var.generation_days != null && var.kms_key_deletion_window_days > var.default_retention_days + coalesce(var.generation_days, 0)
      error_message = "kms_key_deletion_window_days (${var.kms_key_deletion_window_days}) must be longer than D + G = default_retention_days (${var.default_retention_days}) + generation_days (${coalesce(var.generation_days, 0)}; set it, it is the agent's retention.generation), so that a deletion scheduled by the break-glass role is noticed and cancelled before any locked object it would make unreadable has expired. AWS allows at most 30 days: a key made here needs D + G <= 29. For a longer D + G use sse_algorithm = \"AES256\" (SSE-S3)."
    }
  }
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/segvault-${var.bucket_name}"
  target_key_id = aws_kms_key.this[0].key_id
}
