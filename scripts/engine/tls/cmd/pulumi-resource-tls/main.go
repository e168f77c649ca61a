// Command pulumi-resource-tls is the Pulumi TLS resource provider. schema-embed.json and
// bridge-metadata.json are produced by pulumi-tfgen-tls during scripts/engine.sh.
package main

import (
	"context"
	_ "embed"

	"cms-xmpp-resiliency.local/engine/tls/tlsinfo"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
)

//go:embed schema-embed.json
var schema []byte

//go:embed bridge-metadata.json
var metadata []byte

func main() {
	tfbridge.Main(context.Background(), "tls", tlsinfo.Provider(metadata), tfbridge.ProviderMetadata{PackageSchema: schema})
}
