# Optional replication into a second bucket made with this module (so the
# replica is Object Lock + COMPLIANCE as well). Replicated versions keep the
# source's lock mode and retain-until date. Delete markers are not replicated:
# a delete marker written with a stolen credential stays on this side.

data "aws_iam_policy_document" "replication_trust" {
  count = local.replicate ? 1 : 0

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current[0].account_id]
    }
  }
}

data "aws_iam_policy_document" "replication" {
  count = local.replicate ? 1 : 0

  statement {
    sid       = "ReadSourceConfiguration"
    effect    = "Allow"
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [local.bucket_arn]
  }

  statement {
    sid    = "ReadSourceVersions"
    effect = "Allow"
    actions = [
      "s3:GetObjectVersionForReplication",
      "s3:GetObjectVersionAcl",
      "s3:GetObjectVersionTagging",
      "s3:GetObjectRetention",
      "s3:GetObjectLegalHold",
    ]
    resources = [local.bucket_objects]
  }

  statement {
    sid       = "WriteReplicaVersions"
    effect    = "Allow"
    actions   = ["s3:ReplicateObject", "s3:ReplicateTags"]
    resources = ["${var.replication.destination_bucket_arn}/*"]
  }

  dynamic "statement" {
    for_each = local.use_kms ? [local.kms_key_arn] : []

    content {
      sid       = "DecryptSource"
      effect    = "Allow"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [local.s3_via_service]
      }
    }
  }

  dynamic "statement" {
    for_each = local.replica_kms_key_arns

    content {
      sid       = "EncryptReplica"
      effect    = "Allow"
      actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role" "replication" {
  count = local.replicate ? 1 : 0

  name_prefix        = "segvault-replication-"
  assume_role_policy = data.aws_iam_policy_document.replication_trust[0].json
  tags               = var.tags
}

resource "aws_iam_role_policy" "replication" {
  count = local.replicate ? 1 : 0

  name   = "replicate-to-locked-replica"
  role   = aws_iam_role.replication[0].id
  policy = data.aws_iam_policy_document.replication[0].json
}

resource "aws_s3_bucket_replication_configuration" "this" {
  count = local.replicate ? 1 : 0

  bucket = aws_s3_bucket.this.id
  role   = aws_iam_role.replication[0].arn

  rule {
    id     = "replicate-everything-to-locked-replica"
    status = "Enabled"

    filter {}

    delete_marker_replication {
      status = "Disabled"
    }

    dynamic "source_selection_criteria" {
      for_each = local.use_kms ? [true] : []

      content {
        sse_kms_encrypted_objects {
          status = "Enabled"
        }
      }
    }

    destination {
      bucket        = var.replication.destination_bucket_arn
      storage_class = var.replication.storage_class

      dynamic "encryption_configuration" {
        for_each = local.replica_kms_key_arns

        content {
          replica_kms_key_id = encryption_configuration.value
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = !local.use_kms || try(var.replication.destination_kms_key_arn != null, false)
      error_message = "replication.destination_kms_key_arn is required when sse_algorithm is \"aws:kms\": S3 replicates SSE-KMS objects only when told which key encrypts the replica."
    }
  }

  # Replication needs versioning on; the rule waits for the lock settings too.
  depends_on = [aws_s3_bucket_versioning.this, aws_s3_bucket_object_lock_configuration.this]
}

# The other side: this bucket is a replica in another account than its source. Cross-account replication needs
# the destination's consent in its bucket policy. No ReplicateDelete: delete markers are not replicated.
data "aws_iam_policy_document" "replica_grants" {
  count = local.replica_of_another_account ? 1 : 0

  statement {
    sid       = "SourceReplicationRoleReadsVersioning"
    effect    = "Allow"
    actions   = ["s3:GetBucketVersioning", "s3:ListBucket"]
    resources = [local.bucket_arn]

    principals {
      type        = "AWS"
      identifiers = var.replication_source_role_arns
    }
  }

  statement {
    sid       = "SourceReplicationRoleReplicates"
    effect    = "Allow"
    actions   = ["s3:ReplicateObject", "s3:ReplicateTags"]
    resources = [local.bucket_objects]

    principals {
      type        = "AWS"
      identifiers = var.replication_source_role_arns
    }
  }
}
