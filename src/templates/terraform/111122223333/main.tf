# Written by eks-access init. The Terraform root for AWS account 111122223333: this folder is yours
# (state, backend, provider); the module it calls, generated/terraform/111122223333/, is written by
# eks-access generate, which never touches Terraform's own files. One folder like this per account
# in access/clusters/. Run terraform here:
#   terraform init && terraform plan && terraform apply
terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Where the state lives. Replace the placeholder with your backend (an S3 bucket with locking, an
  # HCP Terraform workspace, ...); never commit terraform.tfstate.
  backend "s3" {
    bucket       = "REPLACE-WITH-YOUR-STATE-BUCKET"
    key          = "eks-access/111122223333.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
  }
}

provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"] # refuses to run with credentials of any other account
}

module "eks_access" {
  source = "../../generated/terraform/111122223333"
}
