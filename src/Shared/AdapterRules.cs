using System.Net;

namespace Verification.Shared;

/// <summary>The rules every adapter applies to its settings: control characters and provider endpoint URLs.</summary>
internal static class AdapterRules
{
    /// <summary>Whether <paramref name="value"/> has a control character (C0, DEL or C1): never part of a credential, a name or a host.</summary>
    public static bool HasControlCharacters(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Checks a provider endpoint: absolute, http or https, https unless the host is a loopback address (a local
    /// stand-in), and no query or fragment. Adds a message naming <paramref name="key"/> to <paramref name="errors"/>.
    /// </summary>
    /// <param name="errors">Where the problems go.</param>
    /// <param name="key">The full configuration key, for example <c>Verification:Twilio:Endpoint</c>.</param>
    /// <param name="endpoint">The endpoint; null is refused (remove the key to get the default).</param>
    /// <param name="example">What to use instead, for example "the API root such as https://api.twilio.com".</param>
    /// <param name="secret">What travels in the request and must not go in clear, for example "the credentials".</param>
    public static void CheckEndpoint(List<string> errors, string key, Uri? endpoint, string example, string secret)
    {
        if (endpoint is null)
        {
            errors.Add($"{key} must not be null; remove the key to use {example}.");
        }
        else if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{key} '{endpoint.OriginalString}' is not an absolute http(s) URL; use {example}, or remove the key.");
        }
        else if (endpoint.Scheme == Uri.UriSchemeHttp && !IsLoopback(endpoint))
        {
            errors.Add($"{key} '{endpoint.OriginalString}' uses http; use https (plain http is accepted for loopback hosts only, since {secret} travels in the request).");
        }
        else if (!string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.Fragment))
        {
            errors.Add($"{key} '{endpoint.OriginalString}' has a query or fragment; use {example}.");
        }
    }

    private static bool IsLoopback(Uri endpoint) =>
        endpoint.IsLoopback || (IPAddress.TryParse(endpoint.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));
}
