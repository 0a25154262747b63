using Xunit.Abstractions;

namespace Verification.Samples.Tests;

/// <summary>The Worker sample's built DLL, run as a person would: <c>dotnet Verification.Samples.Worker.dll someone@example.com</c>.</summary>
public sealed class WorkerSampleTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("someone@example.com", "Email someone@example.com")]
    [InlineData("+86 155 8866 5555", "Sms +8615588665555")]
    public async Task Sends_verifies_and_redeems(string contact, string redeemed)
    {
        var dll = Samples.RequireFile(Samples.WorkerDll);
        using var worker = await ChildProcess.RunAsync(
            Samples.DotNetHost, [dll, contact], Path.GetDirectoryName(dll)!, TimeSpan.FromSeconds(60));
        output.WriteLine(worker.Transcript);

        Assert.True(worker.ExitCode == 0, $"The worker exited with code {worker.ExitCode}.\n{worker.Transcript}");
        Assert.Contains("redeemed:", worker.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"redeemed: {redeemed} ", worker.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("a second redeem answers invalid_verification_token", worker.StandardOutput, StringComparison.Ordinal);
    }
}
