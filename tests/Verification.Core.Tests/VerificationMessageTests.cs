using System.Globalization;

namespace Verification.Tests;

public sealed class VerificationMessageTests
{
    [Theory]
    [InlineData(VerificationChannel.Sms, "+8615588665555", "+86 155****5555")]
    [InlineData(VerificationChannel.Email, "someone@example.com", "s***@example.com")]
    public void MaskedTo_AndToString_MaskTheRecipientAsTheLogsDo(VerificationChannel channel, string to, string masked)
    {
        var message = new VerificationMessage
        {
            Channel = channel,
            To = to,
            Body = "123456 is your code",
            Code = "123456",
            Lifetime = TimeSpan.FromMinutes(10),
            Culture = CultureInfo.InvariantCulture,
        };

        Assert.Equal(masked, message.MaskedTo);
        Assert.Contains(masked, message.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(to, message.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("123456", message.ToString(), StringComparison.Ordinal);
    }
}
