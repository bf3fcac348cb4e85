/// The version `crank --version` reports.
public enum CrankVersion {
    public static let current = "0.1.0"
}
