using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Verification.Shared;

namespace Verification.Captcha;

/// <summary>
/// One siteverify exchange: a form-encoded POST of <c>secret</c>, <c>response</c>, <c>remoteip</c> and the provider's
/// own fields through the <see cref="CaptchaProviderOptions.HttpClientName"/> client, asking for JSON, and the answer's
/// status and body (read with the size cap of <see cref="BoundedHttpContent"/>). What the answer means is the
/// validator's business.
/// </summary>
/// <param name="endpoint">The siteverify URL.</param>
/// <param name="secret">The secret key.</param>
/// <param name="timeout">The bound of the whole exchange, the body included.</param>
/// <param name="httpClientFactory">The source of the named client.</param>
/// <param name="timeProvider">The clock the bound runs on.</param>
/// <param name="addFields">Adds the provider's own form fields (after <c>secret</c>, <c>response</c>, <c>remoteip</c>).</param>
internal sealed class SiteverifyClient(
    Uri endpoint,
    string secret,
    TimeSpan timeout,
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    Action<List<KeyValuePair<string, string>>> addFields)
{
    /// <summary>The siteverify URL posted to.</summary>
    public Uri Endpoint { get; } = endpoint;

    /// <summary>The bound of one exchange.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Posts <paramref name="response"/> (the token) and reads the answer.</summary>
    /// <param name="response">The token, or a placeholder for a health probe.</param>
    /// <param name="clientIp">The client's address, sent as <c>remoteip</c> when known.</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    /// <exception cref="HttpRequestException">The provider could not be reached.</exception>
    /// <exception cref="IOException">The connection broke while reading.</exception>
    /// <exception cref="OperationCanceledException">No answer within <see cref="Timeout"/>, or the caller cancelled.</exception>
    public async ValueTask<SiteverifyReply> PostAsync(string response, IPAddress? clientIp, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>>(4) { new("secret", secret), new("response", response) };
        if (FormatRemoteIp(clientIp) is { } remoteIp)
        {
            fields.Add(new("remoteip", remoteIp));
        }

        addFields(fields);

        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        // The bound runs on the injected clock (a fake clock in tests can trip it) and covers the whole exchange,
        // the body included; HttpClient.Timeout is the same bound on the real clock, a backstop for a fake clock
        // that nobody advances.
        using var bound = new CancellationTokenSource(Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        var client = httpClientFactory.CreateClient(CaptchaProviderOptions.HttpClientName);
        client.Timeout = Timeout;

        using var answer = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        if (!answer.IsSuccessStatusCode)
        {
            return new SiteverifyReply(false, (int)answer.StatusCode, null, null);
        }

        var contentType = answer.Content.Headers.ContentType?.MediaType;
        var body = await BoundedHttpContent.ReadAsync(answer.Content, linked.Token).ConfigureAwait(false);
        return new SiteverifyReply(true, (int)answer.StatusCode, contentType, body);
    }

    /// <summary>The client IP as the provider expects it: IPv4-mapped IPv6 addresses as IPv4, no IPv6 scope id.</summary>
    private static string? FormatRemoteIp(IPAddress? ip)
    {
        if (ip is null)
        {
            return null;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        else if (ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.ScopeId != 0)
        {
            ip = new IPAddress(ip.GetAddressBytes());
        }

        return ip.ToString();
    }
}

/// <summary>What siteverify answered.</summary>
/// <param name="Succeeded">A 2xx status (redirects are not followed).</param>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="ContentType">The media type of a 2xx answer.</param>
/// <param name="Body">The body of a 2xx answer; null when it is over the size cap.</param>
internal readonly record struct SiteverifyReply(bool Succeeded, int StatusCode, string? ContentType, byte[]? Body);
