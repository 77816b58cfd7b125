# Offline `terraform test` with a mocked AWS provider: variable validations and
# preconditions of the bucket module. Policy contents are checked by the HCL tests.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "eu-central-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { id = "segvault-example-1", arn = "arn:aws:s3:::segvault-example-1" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-central-1:123456789012:key/0b5e1d2c-1111-2222-3333-444455556666" }
  }
}

variables {
  bucket_name            = "segvault-example-1"
  default_retention_days = 30
  max_retention_days     = 55
}

run "sse_s3_bucket_without_replication_by_default" {
  command = apply

  assert {
    condition     = length(aws_kms_key.this) == 0 && output.kms_key_arn == null && output.sse_algorithm == "AES256" && length(aws_s3_bucket_replication_configuration.this) == 0
    error_message = "By default the bucket must use SSE-S3 (no KMS key anyone could disable) and not replicate."
  }

  assert {
    condition     = length(data.aws_caller_identity.current) == 0
    error_message = "Without replication or a KMS key no account lookup is needed."
  }

  assert {
    condition     = output.default_retention_days == 30 && aws_s3_bucket_object_lock_configuration.this.rule[0].default_retention[0].mode == "COMPLIANCE"
    error_message = "The default retention is not COMPLIANCE for 30 days."
  }

  assert {
    condition     = local.noncurrent_days == 55
    error_message = "Noncurrent versions should expire after the retention cap by default."
  }
}

run "put_once_is_enforced_by_default" {
  command = plan

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.bucket.statement : s
      if s.sid == "DenyPutObjectWithoutIfNoneMatch" && s.effect == "Deny" && toset(s.actions) == toset(["s3:PutObject"])
      && toset([for c in s.condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset([
        "Null s3:if-none-match true", "Bool s3:ObjectCreationOperation true",
      ])
    ]) == 1
    error_message = "The bucket policy must deny PutObject/CompleteMultipartUpload without If-None-Match by default."
  }
}

run "put_once_can_be_switched_off_for_endpoints_without_the_key" {
  command = plan

  variables {
    require_if_none_match = false
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.bucket.statement : s if s.sid == "DenyPutObjectWithoutIfNoneMatch"]) == 0
    error_message = "require_if_none_match = false must leave the statement out."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.tls.statement : s if s.sid == "DenyInsecureTransport"]) == 1
    error_message = "Switching put-once off must keep the other statements."
  }
}

# plan only: the key has prevent_destroy, so a key applied here could not be torn down after the test.
run "kms_key_only_the_break_glass_role_may_disable_or_delete" {
  command = plan

  variables {
    sse_algorithm            = "aws:kms"
    default_retention_days   = 20
    generation_days          = 5
    max_retention_days       = 35
    kms_break_glass_role_arn = "arn:aws:iam::123456789012:role/break-glass"
    kms_key_user_arns        = ["arn:aws:iam::210987654321:role/segvault-witness"]
  }

  assert {
    condition     = length(aws_kms_key.this) == 1 && aws_kms_key.this[0].deletion_window_in_days == 30 && aws_kms_key.this[0].enable_key_rotation
    error_message = "Expected a rotated KMS key with a 30-day deletion window."
  }

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.kms[0].statement : s
      if s.sid == "OnlyBreakGlassMayDisableDeleteRepolicyOrGrant" && s.effect == "Deny"
      && toset(s.actions) == toset(["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:CreateGrant"])
      && toset([for c in s.condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset(["ArnNotEquals aws:PrincipalArn arn:aws:iam::123456789012:role/break-glass"])
    ]) == 1
    error_message = "The key policy must deny DisableKey, ScheduleKeyDeletion, PutKeyPolicy and CreateGrant to all but the break-glass role."
  }

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.kms[0].statement : s
      if s.sid == "AccountIamPoliciesMayGrantUse" && s.principals == toset([{ type = "AWS", identifiers = toset(["arn:aws:iam::123456789012:root"]) }])
    ]) == 1
    error_message = "The key policy must let the account's IAM policies grant use of the key."
  }

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.kms[0].statement : s
      if s.sid == "OtherAccountsUseThroughS3" && s.principals == toset([{ type = "AWS", identifiers = toset(["arn:aws:iam::210987654321:role/segvault-witness"]) }])
      && !contains(s.actions, "kms:*")
    ]) == 1
    error_message = "The witness of another account must be allowed to use the key through S3, and nothing more."
  }
}

run "rejects_a_kms_key_without_a_break_glass_role" {
  command = plan

  variables {
    sse_algorithm          = "aws:kms"
    default_retention_days = 20
    generation_days        = 5
    max_retention_days     = 35
  }

  expect_failures = [aws_kms_key.this]
}

run "rejects_a_deletion_window_not_longer_than_d_plus_g" {
  command = plan

  variables {
    sse_algorithm            = "aws:kms"
    generation_days          = 10
    kms_break_glass_role_arn = "arn:aws:iam::123456789012:role/break-glass"
  }

  expect_failures = [aws_kms_key.this]
}

run "rejects_a_kms_key_without_g" {
  command = plan

  variables {
    sse_algorithm            = "aws:kms"
    default_retention_days   = 20
    max_retention_days       = 35
    kms_break_glass_role_arn = "arn:aws:iam::123456789012:role/break-glass"
  }

  expect_failures = [aws_kms_key.this]
}

run "an_existing_key_needs_no_break_glass_role" {
  command = plan

  variables {
    sse_algorithm = "aws:kms"
    kms_key_arn   = "arn:aws:kms:eu-central-1:123456789012:key/0b5e1d2c-1111-2222-3333-444455556666"
  }

  assert {
    condition     = length(aws_kms_key.this) == 0 && output.kms_key_arn == "arn:aws:kms:eu-central-1:123456789012:key/0b5e1d2c-1111-2222-3333-444455556666"
    error_message = "A caller's key is used as given (its policy is the caller's business)."
  }
}

run "replica_in_another_account_lets_the_source_replicate" {
  command = plan

  variables {
    replication_source_role_arns = ["arn:aws:iam::210987654321:role/segvault-replication-1"]
    additional_policy_documents  = ["{\"Version\":\"2012-10-17\",\"Statement\":[]}"]
  }

  assert {
    condition = length(data.aws_iam_policy_document.replica_grants) == 1 && alltrue([
      for s in data.aws_iam_policy_document.replica_grants[0].statement :
      s.principals == toset([{ type = "AWS", identifiers = toset(["arn:aws:iam::210987654321:role/segvault-replication-1"]) }])
      && !anytrue([for a in s.actions : strcontains(a, "Delete")])
    ])
    error_message = "The replica's policy must let exactly the source's replication role replicate, never delete."
  }

  assert {
    condition     = length(data.aws_iam_policy_document.bucket.source_policy_documents) == 4
    error_message = "The replica grants and the additional document must be merged into the bucket policy."
  }
}

run "replication" {
  command = plan

  variables {
    sse_algorithm            = "aws:kms"
    default_retention_days   = 20
    generation_days          = 5
    max_retention_days       = 35
    kms_break_glass_role_arn = "arn:aws:iam::123456789012:role/break-glass"
    replication = {
      destination_bucket_arn  = "arn:aws:s3:::segvault-example-1-replica"
      destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b5e1d2c-1111-2222-3333-777788889999"
    }
  }

  assert {
    condition     = length(aws_s3_bucket_replication_configuration.this) == 1 && length(aws_iam_role.replication) == 1
    error_message = "Expected a replication rule and its role."
  }
}

run "rejects_kms_replication_without_replica_key" {
  command = plan

  variables {
    sse_algorithm            = "aws:kms"
    default_retention_days   = 20
    generation_days          = 5
    max_retention_days       = 35
    kms_break_glass_role_arn = "arn:aws:iam::123456789012:role/break-glass"
    replication              = { destination_bucket_arn = "arn:aws:s3:::segvault-example-1-replica" }
  }

  expect_failures = [aws_s3_bucket_replication_configuration.this]
}

run "rejects_a_cap_below_the_default_retention" {
  command = plan

  variables {
    max_retention_days = 20
  }

  expect_failures = [aws_s3_bucket.this]
}

run "rejects_an_invalid_bucket_name" {
  command = plan

  variables {
    bucket_name = "Segvault_Bucket"
  }

  expect_failures = [var.bucket_name]
}

run "s3_compatible_switches_off" {
  command = apply

  variables {
    sse_algorithm           = "none"
    ownership_controls      = false
    public_access_block     = false
    bucket_policy           = false
    deny_insecure_transport = false
    policy_lock_conditions  = false
    lifecycle_rules         = false
  }

  assert {
    condition = (length(aws_kms_key.this) == 0 && length(aws_s3_bucket_server_side_encryption_configuration.this) == 0
      && length(aws_s3_bucket_ownership_controls.this) == 0 && length(aws_s3_bucket_public_access_block.this) == 0
      && length(aws_s3_bucket_policy.this) == 0 && length(aws_s3_bucket_lifecycle_configuration.this) == 0
    && length(data.aws_caller_identity.current) == 0)
    error_message = "Every switched-off part must be left out, and no account lookup made without replication."
  }

  assert {
    condition     = aws_s3_bucket.this.object_lock_enabled && aws_s3_bucket_object_lock_configuration.this.rule[0].default_retention[0].mode == "COMPLIANCE" && aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "Object Lock, COMPLIANCE default retention and versioning are never switched off."
  }
}

run "aws_defaults_keep_every_part" {
  command = plan

  assert {
    condition = (length(aws_s3_bucket_ownership_controls.this) == 1 && length(aws_s3_bucket_public_access_block.this) == 1
    && length(aws_s3_bucket_policy.this) == 1 && length(aws_s3_bucket_lifecycle_configuration.this) == 1)
    error_message = "On AWS (the defaults) every part of the bucket is written."
  }
}
