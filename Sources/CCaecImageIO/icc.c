// ICC profiles for PNG files that describe their colours with gAMA and cHRM instead of iCCP (PNG 1.2 §11.3.3.2 and
// §11.3.3.3), made with Little CMS 2 so that they travel like any embedded profile.

#include <lcms2.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "imageio_common.h"

static const double caec_srgb_chromaticities[8] = {0.3127, 0.3290, 0.64, 0.33, 0.30, 0.60, 0.15, 0.06};

uint8_t *caec_icc_from_png_colorimetry(uint32_t gama, const uint32_t *chrm, int gray, size_t *size) {
    double c[8];
    int srgb_primaries = 1;
    for (int i = 0; i < 8; i++) {
        c[i] = chrm != NULL ? chrm[i] / 100000.0 : caec_srgb_chromaticities[i];
        if (fabs(c[i] - caec_srgb_chromaticities[i]) > 0.01) srgb_primaries = 0;
    }
    double exponent = gama > 0 ? 100000.0 / gama : 0;  // decoding exponent, 2.2 for gAMA 45455
    if (gama > 0 && (exponent < 0.1 || exponent > 10)) return NULL;
    if ((srgb_primaries || gray) && (gama == 0 || fabs(exponent - 2.2) <= 0.022)) return NULL;
    for (int i = 0; i < 8; i += 2)
        if (!(c[i] > 0 && c[i] < 1 && c[i + 1] > 0 && c[i + 1] < 1)) return NULL;

    cmsContext context = cmsCreateContext(NULL, NULL);
    if (context == NULL) return NULL;
    cmsCIExyY white = {c[0], c[1], 1.0};
    cmsCIExyYTRIPLE primaries = {{c[2], c[3], 1.0}, {c[4], c[5], 1.0}, {c[6], c[7], 1.0}};
    // IEC 61966-2-1 sRGB curve: parametric type 4, (gamma, a, b, c, d).
    const cmsFloat64Number srgb_curve[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
    cmsToneCurve *curve = gama > 0 ? cmsBuildGamma(context, exponent)
                                   : cmsBuildParametricToneCurve(context, 4, srgb_curve);
    uint8_t *buffer = NULL;
    if (curve != NULL) {
        cmsToneCurve *curves[3] = {curve, curve, curve};
        cmsHPROFILE profile = gray ? cmsCreateGrayProfileTHR(context, &white, curve)
                                   : cmsCreateRGBProfileTHR(context, &white, &primaries, curves);
        if (profile != NULL) {
            cmsSetProfileVersion(profile, 2.1);
            cmsMLU *description = cmsMLUalloc(context, 1);
            if (description != NULL) {
                cmsMLUsetASCII(description, "en", "US", "PNG gAMA/cHRM");
                cmsWriteTag(profile, cmsSigProfileDescriptionTag, description);
                cmsMLUfree(description);
            }
            cmsUInt32Number length = 0;
            if (cmsSaveProfileToMem(profile, NULL, &length) && length > 0 && (buffer = malloc(length)) != NULL) {
                if (cmsSaveProfileToMem(profile, buffer, &length) && length >= 128) {
                    // lcms2 stamps the creation time (header bytes 24-35); a fixed date makes the profile, and
                    // so every .cae file that carries it, depend on the input alone: 2000-01-01 00:00:00.
                    static const uint8_t fixed_date[12] = {0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0};
                    memcpy(buffer + 24, fixed_date, sizeof fixed_date);
                    *size = length;
                } else {
                    free(buffer);
                    buffer = NULL;
                }
            }
            cmsCloseProfile(profile);
        }
        cmsFreeToneCurve(curve);
    }
    cmsDeleteContext(context);
    return buffer;
}
