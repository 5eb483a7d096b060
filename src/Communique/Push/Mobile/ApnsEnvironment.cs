namespace Communique.Push.Mobile;

// Which APNs a device token belongs to: apps from the App Store and TestFlight use production, development builds the
// sandbox. A token sent to the other one is answered BadDeviceToken.
public enum ApnsEnvironment
{
    Production,
    Sandbox,
}
