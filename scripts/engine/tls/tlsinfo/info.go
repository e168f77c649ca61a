// Package tlsinfo maps the Terraform TLS provider onto the Pulumi "tls" package the way
// pulumi-tls does: every tls_* resource and data source goes into module "index" with the
// standard token names (tls_private_key -> tls:index/privateKey:PrivateKey).
package tlsinfo

import (
	"github.com/hashicorp/terraform-provider-tls/shim"
	pf "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
)

// Version is stamped at link time (-X .../tlsinfo.Version=5.6.1): the @pulumi/tls version the
// npm SDK asks the engine for.
var Version = "0.0.0-dev"

// Provider returns the bridge configuration. metadata is the bridge-metadata.json written by
// the tfgen step ("{}" when running tfgen itself).
func Provider(metadata []byte) tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:            pf.ShimProvider(shim.NewProvider()),
		Name:         "tls",
		Description:  "A Pulumi package to create TLS resources in Pulumi programs.",
		Keywords:     []string{"pulumi", "tls"},
		License:      "Apache-2.0",
		Homepage:     "https://pulumi.io",
		Repository:   "https://github.com/pulumi/pulumi-tls",
		GitHubOrg:    "hashicorp",
		Version:      Version,
		MetadataInfo: tfbridge.NewProviderMetadata(metadata),
		JavaScript:   &tfbridge.JavaScriptInfo{RespectSchemaVersion: true},

		EnableZeroDefaultSchemaVersion: true,
	}
	info.MustComputeTokens(tokens.SingleModule("tls_", "index", tokens.MakeStandard("tls")))
	return info
}
