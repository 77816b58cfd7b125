# Offline `terraform test` with a mocked AWS provider: variable validations and
# preconditions of the iam module. Policy contents are checked by the HCL tests.

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  bucket_arn  = "arn:aws:s3:::segvault-example-1"
  prefix      = "borg/"
  kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/0b5e1d2c-1111-2222-3333-444455556666"
  trusted_principals = {
    agent   = { aws = ["arn:aws:iam::123456789012:role/backup-server"] }
    restore = { aws = ["arn:aws:iam::123456789012:role/operator"] }
    gc      = { services = ["ec2.amazonaws.com"] }
  }
}

run "three_roles" {
  command = plan

  assert {
    condition     = length(aws_iam_role.this) == 3 && length(aws_iam_user.this) == 0
    error_message = "Expected the agent, restore and gc roles and no users."
  }

  assert {
    condition     = local.kms_via_s3 == "s3.eu-central-1.amazonaws.com"
    error_message = "KMS use is not tied to S3 in the key's region."
  }
}

run "users_need_no_trust" {
  command = plan

  variables {
    identity_type      = "user"
    trusted_principals = { agent = {}, restore = {}, gc = {} }
  }

  assert {
    condition     = length(aws_iam_user.this) == 3 && length(aws_iam_role.this) == 0
    error_message = "Expected three users and no roles."
  }
}

run "rejects_roles_nobody_can_assume" {
  command = plan

  variables {
    trusted_principals = { agent = {}, restore = { aws = ["arn:aws:iam::123456789012:role/operator"] }, gc = {} }
  }

  expect_failures = [aws_iam_role.this]
}

run "rejects_a_prefix_without_trailing_slash" {
  command = plan

  variables {
    prefix = "borg"
  }

  expect_failures = [var.prefix]
}

run "rejects_a_wildcard_prefix" {
  command = plan

  variables {
    prefix = "borg/*/"
  }

  expect_failures = [var.prefix]
}
