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

variables {
  bucket_name = "segvault-example-1"
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
