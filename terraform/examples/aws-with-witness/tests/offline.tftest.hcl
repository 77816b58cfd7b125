# Offline plan/apply with mocked AWS providers (`terraform test`): the bucket's account and the witness's
# account. Checks the wiring (gc trusts the witness of the other account, the bucket policy takes the witness's
# statements), the validations and the checks; not AWS itself.

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
    defaults = { arn = "arn:aws:iam::123456789012:role/segvault-gc" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::123456789012:policy/segvault-agent" }
  }
}

mock_provider "aws" {
  alias = "witness"

  mock_data "aws_caller_identity" {
    defaults = { account_id = "210987654321" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::210987654321:role/segvault-witness" }
  }
  mock_resource "aws_iam_user" {
    defaults = { arn = "arn:aws:iam::210987654321:user/segvault-witness" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::210987654321:policy/segvault-witness" }
  }
}

variables {
  bucket_name              = "segvault-example-1"
  witness_account_role_arn = "arn:aws:iam::210987654321:role/terraform"
  trusted_principals = {
    agent   = { aws = ["arn:aws:iam::123456789012:role/backup-server"] }
    restore = { aws = ["arn:aws:iam::123456789012:role/operator"] }
    witness = { services = ["ec2.amazonaws.com"] }
  }
  repos = [{ name = "acme-prod", path = "/srv/borg-repos/acme-prod" }]
}

run "witness_in_its_own_account_holds_gc" {
  command = apply

  assert {
    condition     = output.witness_account_id == "210987654321" && output.witness_arn == "arn:aws:iam::210987654321:role/segvault-witness"
    error_message = "The witness must be made in the witness's account."
  }

  assert {
    condition     = output.identities.gc.arn == output.gc_role_arn && output.identities.witness.arn == output.witness_arn
    error_message = "The outputs must name the gc role and the witness."
  }

  assert {
    condition     = output.witness_prefix == "borg/_witness/" && strcontains(output.agent_yaml, "prefix: \"borg/\"")
    error_message = "The witness writes under <prefix>_witness/, the agent under <prefix>."
  }

  assert {
    condition     = module.bucket.sse_algorithm == "AES256" && module.bucket.kms_key_arn == null
    error_message = "The example defaults to SSE-S3."
  }
}

# plan only: the key has prevent_destroy, so a key applied here could not be torn down after the test.
run "kms_key_with_d_plus_g_below_thirty" {
  command = plan

  variables {
    sse_algorithm            = "aws:kms"
    kms_break_glass_role_arn = "arn:aws:iam::123456789012:role/break-glass"
    retention_days           = 21
    generation_days          = 7
  }

  assert {
    condition     = module.bucket.sse_algorithm == "aws:kms" && output.max_retention_days == 21 + 2 * 7 + 5
    error_message = "With D + G = 28 the plan with a KMS key succeeds (the bucket module's tests show that D + G >= 30 is refused)."
  }
}

run "rejects_a_witness_in_the_bucket_account" {
  command = plan

  override_data {
    target = data.aws_caller_identity.witness
    values = { account_id = "123456789012" }
  }

  expect_failures = [check.witness_in_another_account]
}

run "rejects_a_witness_account_role_that_is_not_a_role" {
  command = plan

  variables {
    witness_account_role_arn = "arn:aws:iam::210987654321:user/terraform"
  }

  expect_failures = [var.witness_account_role_arn]
}
