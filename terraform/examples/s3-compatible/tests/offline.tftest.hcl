# Offline plan/apply with a mocked AWS provider (`terraform test`): the wiring of the S3-compatible example.
# TerraformApplyIT (agent module) applies it for real against the local Ceph RGW.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { id = "segvault-example-1", arn = "arn:aws:s3:::segvault-example-1" }
  }
}

variables {
  endpoint    = "https://s3.example.com"
  bucket_name = "segvault-example-1"
  repos       = [{ name = "acme-prod", path = "/srv/borg-repos/acme-prod" }]
}

run "no_aws_only_parts" {
  command = apply

  assert {
    condition     = module.bucket.kms_key_arn == null && output.max_retention_days == 30 + 2 * 10 + 5
    error_message = "No KMS key, and the retention cap is D + 2G + slack."
  }

  assert {
    condition     = strcontains(output.agent_yaml, "endpoint: \"https://s3.example.com\"") && strcontains(output.agent_yaml, "pathStyle: true") && !strcontains(output.agent_yaml, "role_arn")
    error_message = "The agent config must name the endpoint, use path style and name no IAM role."
  }
}

run "kms_is_refused" {
  command = plan

  variables {
    sse_algorithm = "aws:kms"
  }

  expect_failures = [var.sse_algorithm]
}

run "endpoint_must_be_a_url" {
  command = plan

  variables {
    endpoint = "s3.example.com"
  }

  expect_failures = [var.endpoint]
}
