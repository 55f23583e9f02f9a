package dnscheck

import "strings"

// provider is a hosting service whose customers point CNAMEs at it. When such a CNAME's
// target is gone, whoever creates an app or bucket of that name on the service serves
// pages on our domain (a subdomain takeover): the fix is to delete the record or claim
// the name back there first.
type provider struct {
	name    string
	suffix  []string // target suffixes, with a leading dot
	reclaim string   // how to claim the name back; %s is the CNAME's owner (our name)
}

var providers = []provider{
	{"Heroku", []string{".herokudns.com", ".herokuapp.com", ".herokussl.com"}, "re-create the app on Heroku and add the domain to it (heroku domains:add %s), then point the CNAME at the new DNS target Heroku gives"},
	{"GitHub Pages", []string{".github.io"}, "re-create the Pages site in that account or organisation and set %s as its custom domain"},
	{"AWS S3", []string{".s3.amazonaws.com", ".s3-website.", ".s3-website-"}, "create the bucket named exactly %s in your AWS account"},
	{"AWS CloudFront", []string{".cloudfront.net"}, "add %s as an alternate domain name of a CloudFront distribution you own"},
	{"AWS Elastic Beanstalk", []string{".elasticbeanstalk.com"}, "re-create the Elastic Beanstalk environment with that CNAME prefix in your account"},
	{"Azure", []string{".azurewebsites.net", ".cloudapp.net", ".cloudapp.azure.com", ".trafficmanager.net", ".blob.core.windows.net", ".azureedge.net", ".azurefd.net", ".azurestaticapps.net"}, "re-create the Azure resource with that name in your subscription and bind %s to it"},
	{"Google Cloud", []string{".appspot.com", ".storage.googleapis.com", ".run.app"}, "re-create the service or bucket with that name in your project and map %s to it"},
	{"Firebase Hosting", []string{".firebaseapp.com", ".web.app"}, "re-create the Firebase Hosting site and connect %s to it"},
	{"Netlify", []string{".netlify.app", ".netlify.com"}, "re-create the Netlify site with that name and add %s as its domain"},
	{"Vercel", []string{".vercel.app", ".vercel-dns.com", ".now.sh"}, "add %s to a project in your Vercel team"},
	{"Fly.io", []string{".fly.dev"}, "re-create the Fly app and add a certificate for %s (fly certs add %s)"},
	{"Render", []string{".onrender.com"}, "re-create the Render service and add %s as a custom domain"},
	{"Railway", []string{".railway.app", ".up.railway.app"}, "re-create the Railway service and add %s as a custom domain"},
	{"DigitalOcean App Platform", []string{".ondigitalocean.app"}, "re-create the app and add %s as its domain"},
	{"Cloudflare Pages", []string{".pages.dev"}, "re-create the Pages project and add %s as a custom domain"},
	{"Shopify", []string{".myshopify.com"}, "add %s to your Shopify store's domains"},
	{"Webflow", []string{".webflow.io", ".proxy-ssl.webflow.com"}, "connect %s to your Webflow site"},
	{"Ghost(Pro)", []string{".ghost.io"}, "re-create the Ghost(Pro) site and set %s as its custom domain"},
	{"Zendesk", []string{".zendesk.com"}, "re-create the Zendesk account and set %s as its host mapping"},
	{"Atlassian Statuspage", []string{".statuspage.io", ".stspg-customer.com"}, "re-create the status page and set %s as its custom domain"},
	{"Help Scout Docs", []string{".helpscoutdocs.com"}, "set %s as the custom domain of your Docs site"},
	{"Read the Docs", []string{".readthedocs.io"}, "re-create the project and add %s as its domain"},
	{"Surge", []string{".surge.sh"}, "publish a project to %s on Surge from your account"},
	{"Bitbucket", []string{".bitbucket.io"}, "re-create the Bitbucket Cloud static site in that workspace"},
	{"Pantheon", []string{".pantheonsite.io"}, "add %s to your Pantheon site's domains"},
	{"WP Engine", []string{".wpengine.com"}, "add %s to your WP Engine install"},
	{"Unbounce", []string{".unbouncepages.com"}, "add %s as a domain in your Unbounce account"},
}

// providerFor recognises a CNAME target's hosting service, if any.
func providerFor(target string) (provider, bool) {
	t := "." + strings.TrimSuffix(strings.ToLower(target), ".")
	for _, p := range providers {
		for _, s := range p.suffix {
			if strings.HasSuffix(t, s) || (strings.HasSuffix(s, ".") || strings.HasSuffix(s, "-")) && strings.Contains(t, s) {
				return p, true
			}
		}
	}
	return provider{}, false
}

// reclaimText is the provider's reclaim advice for our name.
func (p provider) reclaimText(owner string) string {
	return strings.ReplaceAll(p.reclaim, "%s", bare(owner))
}
