using System.Text;

namespace Verification.Twilio.Tests;

/// <summary>The sender against the Kestrel stand-in: what goes over the wire, and how every answer is classified.</summary>
public sealed class SenderTests
{
    [Fact]
    public async Task SendAsync_WithAuthToken_PostsTheDocumentedFormWithBasicAuth()
    {
        await using var standIn = await TwilioStandIn.StartAsync();
        using var h = Harness.For(standIn.Endpoint);

        await h.Twilio.SendAsync(Messages.Sms());

        Assert.Empty(standIn.Problems);
        var request = Assert.Single(standIn.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{TestAccount.AccountSid}/Messages.json", request.Path);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        var basic = Encoding.UTF8.GetString(Convert.FromBase64String(request.Authorization!["Basic ".Length..]));
        Assert.Equal($"{TestAccount.AccountSid}:{TestAccount.AuthToken}", basic);
        Assert.Equal(Messages.Phone, request.Fields["To"]);
        Assert.Equal(TestAccount.From, request.Fields["From"]);
        Assert.False(request.Fields.ContainsKey("MessagingServiceSid"));
        Assert.Equal(Messages.Sms().Body, request.Fields["Body"]);
    }

    [Fact]
    public async Task SendAsync_WithApiKey_AuthenticatesAsTheKeyOnTheAccountPath()
    {
        await using var standIn = await TwilioStandIn.StartAsync(Expected.ApiKey());
        using var h = Harness.For(standIn.Endpoint, o =>
        {
            o.AuthToken = null;
            o.ApiKeySid = TestAccount.ApiKeySid;
            o.ApiKeySecret = TestAccount.ApiKeySecret;
        });

        await h.Twilio.SendAsync(Messages.Sms());

        Assert.Empty(standIn.Problems);
        var basic = Encoding.UTF8.GetString(Convert.FromBase64String(Assert.Single(standIn.Requests).Authorization!["Basic ".Length..]));
        Assert.Equal($"{TestAccount.ApiKeySid}:{TestAccount.ApiKeySecret}", basic);
    }

    [Fact]
    public async Task SendAsync_WithMessagingService_SendsTheServiceSidInsteadOfFrom()
    {
        await using var standIn = await TwilioStandIn.StartAsync(Expected.AuthToken(from: null, service: TestAccount.MessagingServiceSid));
        using var h = Harness.For(standIn.Endpoint, o =>
        {
            o.From = null;
            o.MessagingServiceSid = TestAccount.MessagingServiceSid;
        });

        await h.Twilio.SendAsync(Messages.Sms());

        Assert.Empty(standIn.Problems);
        var request = Assert.Single(standIn.Requests);
        Assert.Equal(TestAccount.MessagingServiceSid, request.Fields["MessagingServiceSid"]);
        Assert.False(request.Fields.ContainsKey("From"));
    }

    [Fact]
    public async Task SendAsync_WithAnEndpointPath_KeepsThePathPrefix()
    {
        await using var standIn = await TwilioStandIn.StartAsync(Expected.AuthToken() with { PathPrefix = "/proxy/twilio" });
        using var h = Harness.For(new Uri(standIn.Endpoint, "proxy/twilio/"));

        await h.Twilio.SendAsync(Messages.Sms());

        Assert.Empty(standIn.Problems);
        Assert.Equal($"/proxy/twilio/2010-04-01/Accounts/{TestAccount.AccountSid}/Messages.json", Assert.Single(standIn.Requests).Path);
    }

    [Fact]
    public async Task SendAsync_WithAWrongAuthToken_IsRefusedByTheStandInAsPermanent()
    {
        await using var standIn = await TwilioStandIn.StartAsync();
        using var h = Harness.For(standIn.Endpoint, o => o.AuthToken = "not-the-auth-token");

        var e = await Assert.ThrowsAsync<DeliveryException>(() => h.Twilio.SendAsync(Messages.Sms()).AsTask());

        Assert.Equal(DeliveryFailureKind.Permanent, e.Kind);
        Assert.Contains("credentials", Assert.Single(standIn.Problems), StringComparison.Ordinal);
    }

    public static TheoryData<string, int, string, string, DeliveryFailureKind> Answers => new()
    {
        { "invalid To", 400, Answer.Json, Error(21211, 400), DeliveryFailureKind.InvalidRecipient },
        { "not a mobile number", 400, Answer.Json, Error(21614, 400), DeliveryFailureKind.InvalidRecipient },
        { "throttled", 429, Answer.Json, Error(20429, 429), DeliveryFailureKind.NotProcessed },
        { "429 without JSON", 429, "text/plain", "Too Many Requests", DeliveryFailureKind.NotProcessed },
        { "authentication", 401, Answer.Json, Error(20003, 401), DeliveryFailureKind.Permanent },
        { "401 without JSON", 401, "text/html", "<html>401</html>", DeliveryFailureKind.Permanent },
        { "unsubscribed", 400, Answer.Json, Error(21610, 400), DeliveryFailureKind.Permanent },
        { "region not enabled", 400, Answer.Json, Error(21408, 400), DeliveryFailureKind.Permanent },
        { "unverified (trial)", 400, Answer.Json, Error(21608, 400), DeliveryFailureKind.Permanent },
        { "unroutable", 400, Answer.Json, Error(21612, 400), DeliveryFailureKind.Permanent },
        { "another 4xx", 403, Answer.Json, Error(20008, 403), DeliveryFailureKind.Permanent },
        { "server error", 500, Answer.Json, Error(20500, 500), DeliveryFailureKind.Unknown },
        { "bad gateway HTML", 502, "text/html", "<html><body>Bad Gateway</body></html>", DeliveryFailureKind.Unknown },
        { "HTML with 200", 200, "text/html", "<html><body>Sign in to the Wi-Fi</body></html>", DeliveryFailureKind.Unknown },
        { "HTML with 400", 400, "text/html", "<html><body>Bad Request</body></html>", DeliveryFailureKind.Unknown },
        { "malformed JSON with 201", 201, Answer.Json, """{"sid":"SM0123""", DeliveryFailureKind.Unknown },
        { "malformed JSON with 400", 400, Answer.Json, """{"code":21211,""", DeliveryFailureKind.Unknown },
        { "201 without sid", 201, Answer.Json, """{"status":"queued"}""", DeliveryFailureKind.Unknown },
        { "JSON array", 201, Answer.Json, "[]", DeliveryFailureKind.Unknown },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task SendAsync_WithADocumentedAnswer_ThrowsTheRightKind(string answer, int status, string contentType, string body, DeliveryFailureKind kind)
    {
        await using var standIn = await TwilioStandIn.StartAsync(then: new Answer(status, contentType, body));
        using var h = Harness.For(standIn.Endpoint);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => h.Twilio.SendAsync(Messages.Sms()).AsTask());

        Assert.True(kind == e.Kind, $"{answer}: expected {kind}, got {e.Kind} ({e.Message}).");
        Assert.Empty(standIn.Problems);
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public async Task SendAsync_With201AndASid_Succeeds()
    {
        await using var standIn = await TwilioStandIn.StartAsync();
        using var h = Harness.For(standIn.Endpoint);

        await h.Twilio.SendAsync(Messages.Sms());

        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 6000 && r.Message.Contains(TwilioStandIn.MessageSid, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_WithAClosedPort_ThrowsNotProcessed()
    {
        using var h = Harness.For(TwilioStandIn.ClosedPortEndpoint());

        var e = await Assert.ThrowsAsync<DeliveryException>(() => h.Twilio.SendAsync(Messages.Sms()).AsTask());

        Assert.Equal(DeliveryFailureKind.NotProcessed, e.Kind);
    }

    [Fact]
    public async Task SendAsync_WhenTheClientTimesOut_ThrowsUnknownAndSendsOnce()
    {
        await using var standIn = await TwilioStandIn.StartAsync(hang: true);
        using var h = Harness.For(standIn.Endpoint, services: s => s.AddHttpClient(TwilioSmsOptions.HttpClientName).ConfigureHttpClient(c => c.Timeout = TimeSpan.FromMilliseconds(300)));

        var e = await Assert.ThrowsAsync<DeliveryException>(() => h.Twilio.SendAsync(Messages.Sms()).AsTask());

        Assert.Equal(DeliveryFailureKind.Unknown, e.Kind);
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public async Task SendAsync_WhenTheCallerCancels_ThrowsOperationCanceled()
    {
        await using var standIn = await TwilioStandIn.StartAsync(hang: true);
        using var h = Harness.For(standIn.Endpoint);
        using var cancel = new CancellationTokenSource();

        var sending = h.Twilio.SendAsync(Messages.Sms(), cancel.Token).AsTask();
        await standIn.FirstRequest.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
    }

    [Fact]
    public async Task SendAsync_FollowsNoRedirect()
    {
        await using var target = await TwilioStandIn.StartAsync();
        var location = new Uri(target.Endpoint, $"2010-04-01/Accounts/{TestAccount.AccountSid}/Messages.json");
        await using var standIn = await TwilioStandIn.StartAsync(then: new Answer(307, "text/plain", string.Empty, location));
        using var h = Harness.For(standIn.Endpoint);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => h.Twilio.SendAsync(Messages.Sms()).AsTask());

        Assert.Equal(DeliveryFailureKind.Unknown, e.Kind);
        Assert.Empty(target.Requests);
    }

    private static string Error(int code, int status) =>
        $$"""{"code":{{code}},"message":"The 'To' number {{Messages.Phone}} is not valid.","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""";
}
