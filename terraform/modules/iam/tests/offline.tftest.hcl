# Offline `terraform test` with a mocked AWS provider: variable validations, preconditions and the wiring of the
# witness and gc identities. Policy contents are checked by the HCL tests as well.

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/segvault-gc" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::123456789012:policy/segvault-agent" }
  }
}

# The witness's account: its role and user get ARNs of another account.
mock_provider "aws" {
  alias = "witness"

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
  bucket_arn  = "arn:aws:s3:::segvault-example-1"
  prefix      = "borg/"
  kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/0b5e1d2c-1111-2222-3333-444455556666"
  trusted_principals = {
    agent   = { aws = ["arn:aws:iam::123456789012:role/backup-server"] }
    restore = { aws = ["arn:aws:iam::123456789012:role/operator"] }
    witness = { services = ["ec2.amazonaws.com"] }
  }
}

run "four_roles" {
  command = plan

  assert {
    condition     = length(aws_iam_role.this) == 2 && length(aws_iam_role.witness) == 1 && length(aws_iam_user.this) == 0 && length(aws_iam_user.witness) == 0
    error_message = "Expected the agent and restore roles, the witness role, and no users."
  }

  assert {
    condition     = local.kms_via_s3 == "s3.eu-central-1.amazonaws.com"
    error_message = "KMS use is not tied to S3 in the key's region."
  }

  assert {
    condition     = local.witness_prefix == "borg/_witness/" && local.witness_objects_arn == "arn:aws:s3:::segvault-example-1/borg/_witness/*"
    error_message = "The witness prefix is not <prefix>_witness/."
  }
}

run "gc_is_assumable_only_by_the_witness" {
  command = apply

  assert {
    condition     = output.witness_arn == "arn:aws:iam::210987654321:role/segvault-witness" && output.witness_role_arn == output.witness_arn
    error_message = "The witness role is not made with the aws.witness provider."
  }

  assert {
    condition = (length(data.aws_iam_policy_document.gc_trust.statement) == 1
      && data.aws_iam_policy_document.gc_trust.statement[0].principals == toset([{ type = "AWS", identifiers = toset(["arn:aws:iam::210987654321:role/segvault-witness"]) }])
    && length(data.aws_iam_policy_document.gc_trust.statement[0].condition) == 0)
    error_message = "The gc role must trust exactly the witness's ARN, without MFA by default."
  }

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.witness.statement : s
      if s.sid == "AssumeGcRole" && s.resources == toset([aws_iam_role.gc.arn])
    ]) == 1
    error_message = "The witness may not assume the gc role."
  }

  assert {
    condition     = output.identities.gc.type == "role" && length(output.identities) == 4
    error_message = "gc must be a role and the module must report four identities."
  }
}

run "gc_needs_mfa_when_required" {
  command = plan

  variables {
    require_mfa = true
  }

  assert {
    condition = toset([
      for c in data.aws_iam_policy_document.gc_trust.statement[0].condition : "${c.test} ${c.variable} ${join(",", c.values)}"
    ]) == toset(["Bool aws:MultiFactorAuthPresent true"])
    error_message = "require_mfa = true must make the gc trust conditional on aws:MultiFactorAuthPresent."
  }
}

run "the_agent_may_not_write_the_witness_prefix" {
  command = plan

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.agent.statement : s
      if s.effect == "Deny" && s.resources == toset(["arn:aws:s3:::segvault-example-1/borg/_witness/*"]) && contains(s.actions, "s3:PutObject*")
    ]) == 1
    error_message = "The agent policy must deny every write to <prefix>_witness/*."
  }

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.witness.statement : s
      if s.effect == "Allow" && anytrue([for a in s.actions : startswith(a, "s3:Put")])
      && s.resources != toset(["arn:aws:s3:::segvault-example-1/borg/_witness/*"])
    ]) == 0
    error_message = "The witness may write only its own prefix."
  }

  assert {
    condition = length([
      for s in data.aws_iam_policy_document.witness_bucket.statement : s
      if s.sid == "OnlyTheWitnessWritesItsPrefix" && s.effect == "Deny"
      && s.resources == toset(["arn:aws:s3:::segvault-example-1/borg/_witness/*"])
    ]) == 1
    error_message = "The witness's bucket policy statements must deny writes to its prefix by anyone else."
  }
}

run "users_need_no_trust_and_gc_trusts_the_witness_user" {
  command = apply

  variables {
    identity_type      = "user"
    trusted_principals = { agent = {}, restore = {}, witness = {} }
  }

  assert {
    condition     = length(aws_iam_user.this) == 2 && length(aws_iam_user.witness) == 1 && length(aws_iam_role.this) == 0 && length(aws_iam_role.witness) == 0
    error_message = "Expected agent, restore and witness users and no roles for them."
  }

  assert {
    condition     = output.witness_arn == "arn:aws:iam::210987654321:user/segvault-witness" && output.witness_role_arn == null
    error_message = "The witness should be a user of the witness account."
  }

  assert {
    condition     = data.aws_iam_policy_document.gc_trust.statement[0].principals == toset([{ type = "AWS", identifiers = toset(["arn:aws:iam::210987654321:user/segvault-witness"]) }])
    error_message = "The gc role must trust the witness user."
  }
}

run "rejects_gc_principals" {
  command = plan

  variables {
    trusted_principals = {
      agent   = { aws = ["arn:aws:iam::123456789012:role/backup-server"] }
      restore = { aws = ["arn:aws:iam::123456789012:role/operator"] }
      witness = { services = ["ec2.amazonaws.com"] }
      gc      = { aws = ["arn:aws:iam::123456789012:role/prune-host"] }
    }
  }

  expect_failures = [var.trusted_principals]
}

run "rejects_roles_nobody_can_assume" {
  command = plan

  variables {
    trusted_principals = { agent = {}, restore = { aws = ["arn:aws:iam::123456789012:role/operator"] }, witness = { services = ["ec2.amazonaws.com"] } }
  }

  expect_failures = [aws_iam_role.this]
}

run "rejects_a_witness_nobody_can_assume" {
  command = plan

  variables {
    trusted_principals = {
      agent   = { aws = ["arn:aws:iam::123456789012:role/backup-server"] }
      restore = { aws = ["arn:aws:iam::123456789012:role/operator"] }
      witness = {}
    }
  }

  expect_failures = [aws_iam_role.witness]
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
