# A bucket whose object versions nobody can delete or shorten before their
# retain-until date: Object Lock in COMPLIANCE mode, versioning, no public
# access, TLS only, a cap on how far a lock may reach, and lifecycle rules that
# clean up only what Object Lock no longer protects. See docs/terraform.md.

# Only replication and a key made here need the account id (an STS call, which S3-compatible providers do not
# have).
data "aws_caller_identity" "current" {
  count = var.replication != null || local.create_kms_key ? 1 : 0
}

data "aws_region" "current" {}

locals {
  use_kms         = var.sse_algorithm == "aws:kms"
  encrypt         = var.sse_algorithm != "none"
  create_kms_key  = local.use_kms && var.kms_key_arn == null
  kms_key_arn     = local.use_kms ? (local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn) : null
  noncurrent_days = coalesce(var.noncurrent_version_expiration_days, var.max_retention_days)
  replicate       = var.replication != null
  # This bucket is the replica of a bucket in another account.
  replica_of_another_account = length(var.replication_source_role_arns) > 0
  # Empty unless this bucket uses SSE-KMS and the replica's key is known to the caller.
  replica_kms_key_arns = local.replicate && local.use_kms ? compact([try(var.replication.destination_kms_key_arn, null)]) : []
  bucket_arn           = aws_s3_bucket.this.arn
  bucket_objects       = "${aws_s3_bucket.this.arn}/*"
  s3_via_service       = "s3.${data.aws_region.current.name}.amazonaws.com"
}

resource "aws_s3_bucket" "this" {
  bucket = var.bucket_name

  # Object Lock can only be switched on when the bucket is created.
  object_lock_enabled = true

  # Locked versions cannot be deleted anyway; never let a destroy try.
  force_destroy = false

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.max_retention_days >= var.default_retention_days
      error_message = "max_retention_days (${var.max_retention_days}) must be >= default_retention_days (${var.default_retention_days}): the bucket policy would otherwise refuse locks the bucket default asks for."
    }
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  count  = var.ownership_controls ? 1 : 0
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  count  = var.public_access_block ? 1 : 0
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = var.default_retention_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count  = local.encrypt ? 1 : 0
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.sse_algorithm
      kms_master_key_id = local.kms_key_arn
    }
    bucket_key_enabled = local.use_kms
  }
}

# Separate so that a provider reached over plain HTTP (a local test server) can leave it out.
data "aws_iam_policy_document" "tls" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.bucket_arn, local.bucket_objects]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# The statements keyed on s3:object-lock-* condition keys, separate so that a provider that does not set
# those keys can leave them out (Ceph RGW 16: with them, every PutObject is denied; docs/providers.md).
data "aws_iam_policy_document" "lock_conditions" {
  # UploadPart and CompleteMultipartUpload are authorised as s3:PutObject but
  # never carry the lock headers (those go on CreateMultipartUpload), so a plain
  # StringNotEquals would refuse every multipart upload. IfExists denies every
  # write that asks for another mode; a write that asks for none gets the
  # bucket's COMPLIANCE default, so every version is COMPLIANCE-locked either way.
  statement {
    sid       = "DenyPutObjectNotInComplianceMode"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = [local.bucket_objects]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEqualsIfExists"
      variable = "s3:object-lock-mode"
      values   = ["COMPLIANCE"]
    }
  }

  statement {
    sid       = "DenyRetentionNotInComplianceMode"
    effect    = "Deny"
    actions   = ["s3:PutObjectRetention"]
    resources = [local.bucket_objects]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:object-lock-mode"
      values   = ["COMPLIANCE"]
    }
  }

  statement {
    sid       = "DenyRetentionBeyondCap"
    effect    = "Deny"
    actions   = ["s3:PutObject", "s3:PutObjectRetention"]
    resources = [local.bucket_objects]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericGreaterThan"
      variable = "s3:object-lock-remaining-retention-days"
      values   = [tostring(var.max_retention_days)]
    }
  }
}

data "aws_iam_policy_document" "bucket" {
  source_policy_documents = concat(
    var.deny_insecure_transport ? [data.aws_iam_policy_document.tls.json] : [],
    var.policy_lock_conditions ? [data.aws_iam_policy_document.lock_conditions.json] : [],
    local.replica_of_another_account ? [data.aws_iam_policy_document.replica_grants[0].json] : [],
    var.additional_policy_documents,
  )

  # Put-once for every writer, above all a stolen agent credential: a PutObject
  # or CompleteMultipartUpload without If-None-Match could add a version to an
  # existing key. S3 sets s3:ObjectCreationOperation to false for
  # CreateMultipartUpload, UploadPart and UploadPartCopy, which never carry the
  # header, so those pass; the completion that creates the object must carry it.
  # Only for endpoints that evaluate s3:if-none-match (AWS): elsewhere the key is
  # always absent and this would deny every write.
  dynamic "statement" {
    for_each = var.require_if_none_match ? [true] : []

    content {
      sid       = "DenyPutObjectWithoutIfNoneMatch"
      effect    = "Deny"
      actions   = ["s3:PutObject"]
      resources = [local.bucket_objects]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "Null"
        variable = "s3:if-none-match"
        values   = ["true"]
      }

      condition {
        test     = "Bool"
        variable = "s3:ObjectCreationOperation"
        values   = ["true"]
      }
    }
  }

  statement {
    sid       = "DenyBypassGovernanceRetention"
    effect    = "Deny"
    actions   = ["s3:BypassGovernanceRetention"]
    resources = [local.bucket_objects]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count  = var.bucket_policy ? 1 : 0
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  # A bucket policy is only accepted once public access is blocked as intended.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count  = var.lifecycle_rules ? 1 : 0
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_days
    }
  }

  # Object Lock keeps the lifecycle from deleting a version that is still
  # locked; this removes only versions whose retain-until date has passed.
  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = local.noncurrent_days
    }
  }

  # A delete marker with no versions left behind it hides nothing.
  rule {
    id     = "remove-orphan-delete-markers"
    status = "Enabled"

    filter {}

    expiration {
      expired_object_delete_marker = true
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}
