namespace Verification.Tests;

/// <summary>The internal seam behind Verification.Testing's chosen codes.</summary>
public sealed class CodeOverrideTests
{
    [Fact]
    public async Task UseCodeOverride_AllSendersFake_SendsAndVerifiesTheChosenCode()
    {
        var harness = new ServiceHarness();
        harness.Service.UseCodeOverride(_ => "424242", sender => sender is OutboxSender);

        var (verificationId, code) = await harness.SendPhoneAsync();

        Assert.Equal("424242", code);
        await harness.VerifyAsync(verificationId, "424242");
    }

    [Fact]
    public async Task UseCodeOverride_NullFromTheSource_RandomCode()
    {
        var harness = new ServiceHarness();
        harness.Service.UseCodeOverride(_ => null, sender => sender is OutboxSender);

        var (_, first) = await harness.SendPhoneAsync();
        var (_, second) = await harness.SendEmailAsync();

        Assert.Matches("^[0-9]{6}$", first);
        Assert.Matches("^[0-9]{6}$", second);
    }

    [Fact]
    public async Task UseCodeOverride_ARealSender_RefusedAndCodesStayRandom()
    {
        var console = new StringWriter();
        var harness = new ServiceHarness(emailSenders: [new ConsoleVerificationSender(console)]);

        var e = Assert.Throws<InvalidOperationException>(() => harness.Service.UseCodeOverride(_ => "424242", sender => sender is OutboxSender));

        Assert.Contains(typeof(ConsoleVerificationSender).FullName!, e.Message, StringComparison.Ordinal);
        var sent = 0;
        for (var i = 0; i < 3; i++)
        {
            harness.Time.Advance(TimeSpan.FromMinutes(1));
            var (_, code) = await harness.SendPhoneAsync();
            sent += code == "424242" ? 1 : 0;
        }

        Assert.NotEqual(3, sent);
    }

    [Fact]
    public void UseCodeOverride_PickupDirectoryFallback_Refused()
    {
        var folder = Directory.CreateTempSubdirectory("verification-override-").FullName;
        try
        {
            var harness = new ServiceHarness(o => o.PickupDirectory = folder, emailSenders: []);

            var e = Assert.Throws<InvalidOperationException>(() => harness.Service.UseCodeOverride(_ => "424242", sender => sender is OutboxSender));

            Assert.Contains(nameof(PickupDirectorySender), e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
