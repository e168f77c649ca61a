// Package shim re-creates pulumi-tls's provider/shim module, which is not published on the
// Go module proxy (it is a nested module replaced by ./shim upstream). Its import path lies
// under github.com/hashicorp/terraform-provider-tls, so Go's path-based internal rule lets it
// reach the Terraform provider's internal/provider package.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"
	tfprovider "github.com/hashicorp/terraform-provider-tls/internal/provider"
)

// NewProvider returns the upstream Terraform TLS provider (Plugin Framework).
func NewProvider() provider.Provider { return tfprovider.New() }
