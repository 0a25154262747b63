using System.Text;
using Microsoft.Extensions.Logging;

namespace Verification.TencentCloud.Tests;

/// <summary>The sender against the Kestrel stand-in: what goes over the wire, and every class of documented answer.</summary>
public sealed class SenderTests
{
    [Fact]
    public async Task SendAsync_WhenTencentAnswersOk_SendsARequestTheStandInVerifiesIndependently()
    {
        await using var standIn = await SendSmsStandIn.StartAsync(Answer.Ok, () => Harness.Now);
        using var h = new Harness(standIn.Endpoint);

        await h.Sender.SendAsync(Harness.Message(code: "482913", lifetime: TimeSpan.FromMinutes(5)));

        Assert.Empty(standIn.Problems);
        var request = Assert.Single(standIn.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.Path);
        Assert.Equal("application/json; charset=utf-8", request.Headers["content-type"]);
        Assert.Equal("SendSms", request.Headers["x-tc-action"]);
        Assert.Equal("2021-01-11", request.Headers["x-tc-version"]);
        Assert.Equal("ap-guangzhou", request.Headers["x-tc-region"]);
        Assert.Equal(Harness.Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), request.Headers["x-tc-timestamp"]);
        Assert.StartsWith($"TC3-HMAC-SHA256 Credential={Account.SecretId}/2026-03-01/sms/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=", request.Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal([Harness.Phone], request.PhoneNumberSet);
        Assert.Equal(Account.SmsSdkAppId, request.Fields["SmsSdkAppId"]);
        Assert.Equal(Account.TemplateId, request.Fields["TemplateId"]);
        Assert.Equal(Account.SignName, request.Fields["SignName"]);
        Assert.Equal(["482913", "5"], request.TemplateParamSet);
        Assert.Equal("tencentcloud", h.Sender.Name);
    }

    [Fact]
    public async Task SendAsync_WithTemplateParametersCodeOnly_SendsOnlyTheCode()
    {
        await using var standIn = await SendSmsStandIn.StartAsync(Answer.Ok, () => Harness.Now);
        using var h = new Harness(standIn.Endpoint, o => o.TemplateParameters = ["Code"]);

        // The stand-in's template takes two parameters: it refuses the request like Tencent would.
        var e = await Assert.ThrowsAsync<DeliveryException>(() => h.Sender.SendAsync(Harness.Message()).AsTask());

        Assert.Equal(DeliveryFailureKind.Permanent, e.Kind);
        Assert.Equal(["482913"], Assert.Single(standIn.Requests).TemplateParamSet);
    }

    public static TheoryData<string, DeliveryFailureKind> DocumentedAnswers => new()
    {
        { "per-number InvalidParameterValue.IncorrectPhoneNumber", DeliveryFailureKind.InvalidRecipient },
        { "per-number LimitExceeded.PhoneNumberThirtySecondLimit", DeliveryFailureKind.NotProcessed },
        { "error InternalError.Timeout", DeliveryFailureKind.Transient },
        { "per-number FailedOperation.PhoneNumberInBlacklist", DeliveryFailureKind.Permanent },
        { "error FailedOperation.InsufficientBalanceInSmsPackage", DeliveryFailureKind.Permanent },
        { "error LimitExceeded.AppDailyLimit", DeliveryFailureKind.NotProcessed },
        { "http 500 html", DeliveryFailureKind.Unknown },
        { "http 502 empty", DeliveryFailureKind.Unknown },
        { "http 429 text", DeliveryFailureKind.NotProcessed },
        { "http 404 html", DeliveryFailureKind.Permanent },
        { "malformed json", DeliveryFailureKind.Unknown },
        { "json without Response", DeliveryFailureKind.Unknown },
        { "empty SendStatusSet", DeliveryFailureKind.Unknown },
    };

    [Theory]
    [MemberData(nameof(DocumentedAnswers))]
    public async Task SendAsync_WithADocumentedAnswer_ThrowsTheRightKind(string scenario, DeliveryFailureKind expected)
    {
        var (kind, rest) = (scenario.Split(' ', 2)[0], scenario.Split(' ', 2)[1]);
        Func<SendSmsRequest, Answer> answer = kind switch
        {
            "per-number" => r => Answer.PerNumber(r, rest),
            "error" => _ => Answer.Error(rest),
            "http" => _ => new Answer(int.Parse(rest.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture), rest.EndsWith("html", StringComparison.Ordinal) ? "text/html" : "text/plain",
                rest.EndsWith("empty", StringComparison.Ordinal) ? string.Empty : "<html><body>Bad gateway</body></html>"),
            _ => scenario switch
            {
                "malformed json" => _ => new Answer(200, "application/json", """{"Response":{"SendStatusSet":[{"Code":"Ok","""),
                "json without Response" => _ => new Answer(200, "application/json", """{"ok":true}"""),
                _ => _ => new Answer(200, "application/json", """{"Response":{"SendStatusSet":[],"RequestId":"x"}}"""),
            },
        };
        await using var standIn = await SendSmsStandIn.StartAsync(r => answer(r), () => Harness.Now);
        using var h = new Harness(standIn.Endpoint);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => h.Sender.SendAsync(Harness.Message()).AsTask());

        Assert.Equal(expected, e.Kind);
        Assert.Empty(standIn.Problems);
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public async Task SendAsync_WithAnUnknownSecretId_IsPermanentAndLoggedAsAConfigurationProblem()
    {
        await using var standIn = await SendSmsStandIn.StartAsync(Answer.Ok, () => Harness.Now);
        using var h = new Harness(standIn.Endpoint, o => o.SecretId = "AKIDunknown000000000000000000000000");

        var e = await Assert.ThrowsAsync<DeliveryException>(() => h.Sender.SendAsync(Harness.Message()).AsTask());

        Assert.Equal(DeliveryFailureKind.Permanent, e.Kind);
        Assert.Equal(["unknown SecretId"], standIn.Problems);
        var log = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 5004);
        Assert.Equal(LogLevel.Error, log.Level);
        Assert.Contains("AuthFailure.SecretIdNotFound", log.Message, StringComparison.Ordinal);
        Assert.Contains("Verification:TencentCloudSms:SecretId", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_WithAWrongSecretKey_TheStandInRefusesTheSignatureAndTheLogNamesSecretKey()
    {
        await using var standIn = await SendSmsStandIn.StartAsync(Answer.Ok, () => Harness.Now);
        using var h = new Harness(standIn.Endpoint, o => o.SecretKey = "a-different-secret-key");

        var e = await Assert.ThrowsAsync<DeliveryException>(() => h.Sender.SendAsync(Harness.Message()).AsTask());

        Assert.Equal(DeliveryFailureKind.Permanent, e.Kind);
        Assert.Equal(["signature mismatch"], standIn.Problems);
        var log = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 5004);
        Assert.Contains("Verification:TencentCloudSms:SecretKey", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_WithAClockSixMinutesOff_TheStandInAnswersSignatureExpire()
    {
        var standInNow = Harness.Now.AddMinutes(6);
        await using var standIn = await SendSmsStandIn.StartAsync(Answer.Ok, () => standInNow);
        using var h = new Harness(standIn.Endpoint);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => h.Sender.SendAsync(Harness.Message()).AsTask());

        Assert.Equal(DeliveryFailureKind.Permanent, e.Kind);
        Assert.Contains("server clock", Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 5004).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_WhenNothingListens_IsNotProcessed()
    {
        using var h = new Harness(SendSmsStandIn.ClosedPortEndpoint());

        var e = await Assert.ThrowsAsync<DeliveryException>(() => h.Sender.SendAsync(Harness.Message()).AsTask());

        Assert.Equal(DeliveryFailureKind.NotProcessed, e.Kind);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 5007);
    }

    [Fact]
    public async Task SendAsync_WhenTheAnswerNeverComes_IsUnknownAfterTheTimeoutOnTheInjectedClock()
    {
        await using var standIn = await SendSmsStandIn.StartAsync(_ => null, () => Harness.Now);
        using var h = new Harness(standIn.Endpoint, o => o.Timeout = TimeSpan.FromSeconds(30));

        var sending = h.Sender.SendAsync(Harness.Message()).AsTask();
        await standIn.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        h.Time.Advance(TimeSpan.FromSeconds(30));
        var e = await Assert.ThrowsAsync<DeliveryException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(DeliveryFailureKind.Unknown, e.Kind);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 5009);
    }

    [Fact]
    public async Task SendAsync_WhenTheCallerCancels_ThrowsOperationCanceled()
    {
        await using var standIn = await SendSmsStandIn.StartAsync(_ => null, () => Harness.Now);
        using var h = new Harness(standIn.Endpoint);
        using var cancel = new CancellationTokenSource();

        var sending = h.Sender.SendAsync(Harness.Message(), cancel.Token).AsTask();
        await standIn.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task SendAsync_WithANonAsciiSignName_SignsTheBytesSent()
    {
        await using var standIn = await SendSmsStandIn.StartAsync(Answer.Ok, () => Harness.Now);
        using var h = new Harness(standIn.Endpoint);

        await h.Sender.SendAsync(Harness.Message());

        Assert.Empty(standIn.Problems);
        Assert.Equal(Account.SignName, Assert.Single(standIn.Requests).Fields["SignName"]);
        Assert.True(Encoding.UTF8.GetByteCount(Assert.Single(standIn.Requests).Body) > 0);
    }
}
