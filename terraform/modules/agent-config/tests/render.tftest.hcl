# `terraform test` of the rendered agent.yaml (no provider, runs offline).

variables {
  bucket             = "segvault-example-1"
  region             = "eu-central-1"
  prefix             = "site-a/borg/"
  repos              = [{ name = "acme-prod", path = "/srv/borg-repos/acme-prod" }]
  retention_days     = 30
  generation_days    = 10
  max_retention_days = 55
}

run "renders_every_key" {
  command = apply

  variables {
    endpoint             = "https://s3.example.net"
    path_style           = true
    glob                 = "/srv/borg-repos/*"
    upload_max_bandwidth = "50MiB"
  }

  assert {
    condition     = strcontains(output.agent_yaml, "endpoint: \"https://s3.example.net\"\nregion: \"eu-central-1\"\npathStyle: true\nprefix: \"site-a/borg/\"\n")
    error_message = "endpoint, region, pathStyle or prefix is missing or out of order."
  }

  assert {
    condition     = strcontains(output.agent_yaml, "glob: \"/srv/borg-repos/*\"\nretention:\n  duration: 30d\n  generation: 10d\nstate: \"/var/lib/segvault\"\n")
    error_message = "glob, retention or state is missing."
  }

  assert {
    condition     = endswith(output.agent_yaml, "upload:\n  concurrency: 4\n  partSize: 64MiB\n  maxBandwidth: 50MiB\n")
    error_message = "The upload section is wrong."
  }
}

run "leaves_out_optional_keys" {
  command = apply

  assert {
    condition     = !strcontains(output.agent_yaml, "endpoint:") && !strcontains(output.agent_yaml, "glob:") && !strcontains(output.agent_yaml, "maxBandwidth:") && !strcontains(output.agent_yaml, "role_arn")
    error_message = "Unset optional keys must not appear."
  }
}

run "rejects_a_cap_below_d_plus_2g" {
  command = plan

  variables {
    max_retention_days = 49
  }

  expect_failures = [output.agent_yaml]
}

run "rejects_no_repository_at_all" {
  command = plan

  variables {
    repos = []
  }

  expect_failures = [output.agent_yaml]
}

run "rejects_plain_http_to_another_host" {
  command = plan

  variables {
    endpoint = "http://s3.example.net:7480"
  }

  expect_failures = [output.agent_yaml]
}

run "plain_http_on_loopback_or_when_allowed" {
  command = apply

  variables {
    endpoint            = "http://192.0.2.10:7480"
    allow_insecure_http = true
  }

  assert {
    condition     = strcontains(output.agent_yaml, "endpoint: \"http://192.0.2.10:7480\"\nallowInsecureHttp: true\nregion:")
    error_message = "allowInsecureHttp must follow the endpoint when allowed."
  }
}

run "plain_http_on_loopback_needs_no_permission" {
  command = apply

  variables {
    endpoint = "http://127.0.0.1:7480"
  }

  assert {
    condition     = !strcontains(output.agent_yaml, "allowInsecureHttp")
    error_message = "Loopback needs no allowInsecureHttp."
  }
}

run "rejects_a_relative_repo_path" {
  command = plan

  variables {
    repos = [{ name = "acme-prod", path = "srv/borg-repos/acme-prod" }]
  }

  expect_failures = [var.repos]
}
