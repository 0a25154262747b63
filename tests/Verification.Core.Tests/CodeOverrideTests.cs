using Microsoft.Extensions.Time.Testing;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Verification.Tests;

/// <summary>The internal seam behind Verification.Testing's chosen codes (<see cref="CodeSource"/>).</summary>
public sealed class CodeOverrideTests
{
    [Fact]
    public async Task ChosenCodes_AllSendersFake_SendsAndVerifiesTheChosenCode()
    {
        var harness = Harness(CodeSource.Chosen(_ => "424242", sender => sender is FakeSender));

        var (verificationId, code) = await SendAsync(harness.Service, harness.Sms, new VerificationRequest(PhoneNumber: ServiceHarness.Phone));

        Assert.Equal("424242", code);
        Assert.True((await harness.Service.VerifyAsync(new VerifyRequest(verificationId, "424242"))).Succeeded);
    }

    [Fact]
    public async Task ChosenCodes_NullFromTheSource_RandomCode()
    {
        var harness = Harness(CodeSource.Chosen(_ => null, sender => sender is FakeSender));

        var (_, first) = await SendAsync(harness.Service, harness.Sms, new VerificationRequest(PhoneNumber: ServiceHarness.Phone));
        var (_, second) = await SendAsync(harness.Service, harness.Email, new VerificationRequest(Email: ServiceHarness.Email));

        Assert.Matches("^[0-9]{6}$", first);
        Assert.Matches("^[0-9]{6}$", second);
    }

    [Fact]
    public void ChosenCodes_ARealSender_ServiceRefused()
    {
        var console = new StringWriter();

        var e = Assert.Throws<InvalidOperationException>(() => Create(CodeSource.Chosen(_ => "424242", sender => sender is FakeSender), new FakeSmsSender(), new ConsoleVerificationSender(console)));

        Assert.Contains(typeof(ConsoleVerificationSender).FullName!, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RandomCodes_ARealSender_CodesStayRandom()
    {
        var outbox = new FakeSmsSender();
        var time = new FakeTimeProvider(ServiceHarness.Start);
        var service = Create(CodeSource.Random, outbox, new ConsoleVerificationSender(new StringWriter()), time);

        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.True((await service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone))).Succeeded);
            codes.Add(outbox.LastCode!);
        }

        Assert.NotEqual(1, codes.Count);
    }

    [Fact]
    public void ChosenCodes_PickupDirectorySender_Refused()
    {
        var folder = Directory.CreateTempSubdirectory("verification-override-").FullName;
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => Create(CodeSource.Chosen(_ => "424242", sender => sender is FakeSender), new FakeSmsSender(), new PickupDirectorySender(folder)));

            Assert.Contains(nameof(PickupDirectorySender), e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (VerificationService Service, FakeSmsSender Sms, FakeEmailSender Email) Harness(CodeSource codes)
    {
        var sms = new FakeSmsSender();
        var email = new FakeEmailSender();
        return (Create(codes, sms, email), sms, email);
    }

    private static VerificationService Create(CodeSource codes, ISmsSender sms, IEmailSender email, TimeProvider? time = null) =>
        new(MsOptions.Create(ServiceHarness.CreateOptions()), new InMemoryCodeStore(), [sms], [email], null, null, null, time, null, null, null, codes);

    private static async Task<(string VerificationId, string Code)> SendAsync(VerificationService service, FakeSender outbox, VerificationRequest request)
    {
        var result = await service.SendAsync(request);
        Assert.True(result.Succeeded, result.ToString());
        return (result.Value.VerificationId, outbox.LastCode!);
    }
}
