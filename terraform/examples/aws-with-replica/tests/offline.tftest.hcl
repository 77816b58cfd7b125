# Offline plan/apply with a mocked AWS provider (`terraform test`): checks the
# wiring, the variable validations and the preconditions, not AWS itself. The
# policy contents are checked by the HCL tests in terraform/src/test.

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
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/segvault-agent" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::123456789012:policy/segvault-agent" }
  }
}

mock_provider "aws" {
  alias = "replica"

  mock_data "aws_region" {
    defaults = { name = "eu-central-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "210987654321" }
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
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/segvault-agent" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::123456789012:policy/segvault-agent" }
  }
}

override_resource {
  target = module.replica.aws_s3_bucket.this
  values = { id = "segvault-example-1-replica", arn = "arn:aws:s3:::segvault-example-1-replica" }
}

variables {
  bucket_name              = "segvault-example-1"
  replica_bucket_name      = "segvault-example-1-replica"
  replica_account_role_arn = "arn:aws:iam::210987654321:role/terraform"
  trusted_principals = {
    agent   = { aws = ["arn:aws:iam::123456789012:role/backup-server"] }
    restore = { aws = ["arn:aws:iam::123456789012:role/operator"] }
    witness = { services = ["ec2.amazonaws.com"] }
  }
  repos = [{ name = "acme-prod", path = "/srv/borg-repos/acme-prod" }]
}

run "plan" {
  command = plan

  assert {
    condition     = output.max_retention_days == 30 + 2 * 10 + 5
    error_message = "The retention cap is not D + 2G + slack."
  }
}

run "replica_in_another_account_consents_to_the_replication_role" {
  command = apply

  assert {
    condition     = output.replica_account_id == "210987654321" && module.replica.replication_role_arn == null
    error_message = "The replica must be made in the other account and replicate nothing itself."
  }

  assert {
    condition     = module.bucket.replication_role_arn != null && module.bucket.sse_algorithm == "AES256" && module.replica.sse_algorithm == "AES256"
    error_message = "The primary must replicate with its own role, and both buckets default to SSE-S3."
  }
}

run "rejects_a_replica_in_the_same_account" {
  command = plan

  override_data {
    target = data.aws_caller_identity.replica
    values = { account_id = "123456789012" }
  }

  expect_failures = [check.replica_in_another_account]
}

run "apply_renders_agent_yaml" {
  command = apply

  assert {
    condition     = strcontains(output.agent_yaml, "bucket: \"segvault-example-1\"\nregion: \"eu-central-1\"")
    error_message = "agent.yaml does not name the bucket and its region."
  }

  assert {
    condition     = strcontains(output.agent_yaml, "prefix: \"borg/\"") && strcontains(output.agent_yaml, "  duration: 30d\n  generation: 10d")
    error_message = "agent.yaml does not carry the prefix and the retention settings."
  }

  assert {
    condition     = strcontains(output.agent_yaml, "  - name: \"acme-prod\"\n    path: \"/srv/borg-repos/acme-prod\"")
    error_message = "agent.yaml does not list the repository."
  }
}

run "rejects_a_replica_in_the_same_region" {
  command = plan

  variables {
    replica_region = "eu-central-1"
  }

  expect_failures = [check.replica_in_another_region]
}

# plan only: the keys have prevent_destroy, so keys applied here could not be torn down after the test.
run "kms_on_both_sides_with_a_short_enough_d_plus_g" {
  command = plan

  variables {
    sse_algorithm            = "aws:kms"
    retention_days           = 21
    generation_days          = 7
    kms_break_glass_role_arn = "arn:aws:iam::123456789012:role/break-glass"
    # the replica's key is guarded by a role of the replica's account
    replica_kms_break_glass_role_arn = "arn:aws:iam::210987654321:role/break-glass"
  }

  assert {
    condition     = module.bucket.sse_algorithm == "aws:kms" && module.replica.sse_algorithm == "aws:kms"
    error_message = "With SSE-KMS and D + G = 28 the plan with a guarded key on both sides succeeds."
  }
}
