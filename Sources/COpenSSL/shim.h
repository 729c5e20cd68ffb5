#ifndef STAMPWATCH_COPENSSL_SHIM_H
#define STAMPWATCH_COPENSSL_SHIM_H
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/kdf.h>
#include <openssl/x509.h>
#include <openssl/rsa.h>
#include <openssl/obj_mac.h>

// Macro-only APIs, wrapped so Swift can call them.
static inline void sw_openssl_free(void *p) { OPENSSL_free(p); }
static inline const char *sw_openssl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }
static inline long sw_bio_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline int sw_evp_pkey_ctx_set_rsa_padding(EVP_PKEY_CTX *c, int pad) { return EVP_PKEY_CTX_set_rsa_padding(c, pad); }
static inline int sw_evp_pkey_ctx_set_rsa_pss_saltlen(EVP_PKEY_CTX *c, int len) { return EVP_PKEY_CTX_set_rsa_pss_saltlen(c, len); }
#endif
