terraform {
  # Renders text only: no provider.
  required_version = ">= 1.5.0"
}
