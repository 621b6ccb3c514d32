//go:build !purego

#include "textflag.h"

// Each kernel performs, element by element, the operations of its Go form
// in kernels.go, in the same order and each rounded once; a fused
// multiply-add here is fma32 there.

// func sgemmAVX2(m, n, k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)
//
// C (m×n) += A (m×k) · B (k×n), n a multiple of 32, by fused
// multiply-adds. For each block of 32 columns (so that its slice of B
// stays in cache), tiles of two rows (eight accumulators), then one row
// for an odd m.
TEXT ·sgemmAVX2(SB), NOSPLIT, $0-72
	MOVQ n+8(FP), R12
	MOVQ k+16(FP), R13
	MOVQ lda+32(FP), R8
	MOVQ ldb+48(FP), R9
	MOVQ ldc+64(FP), R10
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R12
	XORQ BX, BX           // byte offset of the column block

cols:
	MOVQ m+0(FP), R11
	MOVQ a+24(FP), DI
	MOVQ c+56(FP), DX
	ADDQ BX, DX

rows2:
	CMPQ    R11, $2
	JLT     row1
	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VMOVUPS 64(DX), Y2
	VMOVUPS 96(DX), Y3
	VMOVUPS (DX)(R10*1), Y4
	VMOVUPS 32(DX)(R10*1), Y5
	VMOVUPS 64(DX)(R10*1), Y6
	VMOVUPS 96(DX)(R10*1), Y7
	MOVQ    DI, R14
	MOVQ    b+40(FP), CX
	ADDQ    BX, CX
	MOVQ    R13, AX

loop2:
	VBROADCASTSS (R14), Y12
	VBROADCASTSS (R14)(R8*1), Y13
	VMOVUPS      (CX), Y8
	VMOVUPS      32(CX), Y9
	VMOVUPS      64(CX), Y10
	VMOVUPS      96(CX), Y11
	VFMADD231PS  Y8, Y12, Y0
	VFMADD231PS  Y9, Y12, Y1
	VFMADD231PS  Y10, Y12, Y2
	VFMADD231PS  Y11, Y12, Y3
	VFMADD231PS  Y8, Y13, Y4
	VFMADD231PS  Y9, Y13, Y5
	VFMADD231PS  Y10, Y13, Y6
	VFMADD231PS  Y11, Y13, Y7
	ADDQ         $4, R14
	ADDQ         R9, CX
	DECQ         AX
	JNZ          loop2

	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, (DX)(R10*1)
	VMOVUPS Y5, 32(DX)(R10*1)
	VMOVUPS Y6, 64(DX)(R10*1)
	VMOVUPS Y7, 96(DX)(R10*1)
	LEAQ    (DI)(R8*2), DI
	LEAQ    (DX)(R10*2), DX
	SUBQ    $2, R11
	JMP     rows2

row1:
	CMPQ    R11, $1
	JLT     nextcols
	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VMOVUPS 64(DX), Y2
	VMOVUPS 96(DX), Y3
	MOVQ    DI, R14
	MOVQ    b+40(FP), CX
	ADDQ    BX, CX
	MOVQ    R13, AX

loop1:
	VBROADCASTSS (R14), Y12
	VFMADD231PS  (CX), Y12, Y0
	VFMADD231PS  32(CX), Y12, Y1
	VFMADD231PS  64(CX), Y12, Y2
	VFMADD231PS  96(CX), Y12, Y3
	ADDQ         $4, R14
	ADDQ         R9, CX
	DECQ         AX
	JNZ          loop1

	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)

nextcols:
	ADDQ $128, BX
	CMPQ BX, R12
	JLT  cols
	VZEROUPPER
	RET

// SIGMOID8 replaces the eight lanes x of X by 1 / (1 + sexp(-x)), with
// SI pointing at sigmoidConsts; it uses Y13 and Y14.
#define SIGMOID8(X) \
	VXORPS       480(SI), X, X \
	VMAXPS       0(SI), X, X \
	VMINPS       32(SI), X, X \
	VMULPS       64(SI), X, Y13 \
	VROUNDPS     $0, Y13, Y13 \
	VFNMADD231PS 96(SI), Y13, X \
	VFNMADD231PS 128(SI), Y13, X \
	VMOVUPS      160(SI), Y14 \
	VFMADD213PS  192(SI), X, Y14 \
	VFMADD213PS  224(SI), X, Y14 \
	VFMADD213PS  256(SI), X, Y14 \
	VFMADD213PS  288(SI), X, Y14 \
	VFMADD213PS  320(SI), X, Y14 \
	VFMADD213PS  352(SI), X, Y14 \
	VFMADD213PS  384(SI), X, Y14 \
	VCVTTPS2DQ   Y13, Y13 \
	VPADDD       448(SI), Y13, Y13 \
	VPSLLD       $23, Y13, Y13 \
	VMULPS       Y13, Y14, Y14 \
	VMOVUPS      416(SI), X \
	VADDPS       X, Y14, Y14 \
	VDIVPS       Y14, X, X

// func ssigmoidAVX2(x *float32, n int)
//
// x[i] = 1 / (1 + sexp(-x[i])), eight at a time, with the constants of
// sigmoidConsts (each repeated eight times).
TEXT ·ssigmoidAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	LEAQ ·sigmoidConsts(SB), SI
	SHRQ $3, CX

sigloop:
	VMOVUPS (DI), Y0
	SIGMOID8(Y0)
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     sigloop
	VZEROUPPER
	RET

// func scellAVX2(h int, proj, y, cp, gates, c, tc, hid *float32)
//
// cellForward, eight hidden units at a time; y and cp are both nil (a
// first token) or both not.
TEXT ·scellAVX2(SB), NOSPLIT, $0-64
	MOVQ h+0(FP), CX
	MOVQ proj+8(FP), DI
	MOVQ y+16(FP), R8
	MOVQ cp+24(FP), DX
	MOVQ gates+32(FP), BX
	MOVQ c+40(FP), R9
	MOVQ tc+48(FP), R10
	MOVQ hid+56(FP), R11
	LEAQ ·sigmoidConsts(SB), SI
	MOVQ R8, AX           // nonzero: the node has a parent
	MOVQ CX, R12
	SHLQ $2, R12
	LEAQ (R12)(R12*2), R15
	SHRQ $3, CX

cellfwd:
	VMOVUPS (DI), Y0
	VMOVUPS (DI)(R12*1), Y1
	VMOVUPS (DI)(R12*2), Y2
	VMOVUPS (DI)(R15*1), Y3
	TESTQ   AX, AX
	JZ      noparent1
	VADDPS  (R8), Y0, Y0
	VADDPS  (R8)(R12*1), Y1, Y1
	VADDPS  (R8)(R12*2), Y2, Y2
	VADDPS  (R8)(R15*1), Y3, Y3

noparent1:
	VADDPS  Y2, Y2, Y2
	SIGMOID8(Y0)
	SIGMOID8(Y1)
	SIGMOID8(Y2)
	SIGMOID8(Y3)
	VADDPS  Y2, Y2, Y2
	VSUBPS  416(SI), Y2, Y2
	VMOVUPS Y0, (BX)
	VMOVUPS Y1, (BX)(R12*1)
	VMOVUPS Y2, (BX)(R12*2)
	VMOVUPS Y3, (BX)(R15*1)
	VMULPS  Y2, Y0, Y4
	TESTQ   AX, AX
	JZ      noparent2
	VMULPS  (DX), Y1, Y5
	VADDPS  Y5, Y4, Y4

noparent2:
	VMOVUPS Y4, (R9)
	VADDPS  Y4, Y4, Y5
	SIGMOID8(Y5)
	VADDPS  Y5, Y5, Y5
	VSUBPS  416(SI), Y5, Y5
	VMOVUPS Y5, (R10)
	VMULPS  Y5, Y3, Y6
	VMOVUPS Y6, (R11)
	ADDQ    $32, DI
	ADDQ    $32, R8
	ADDQ    $32, DX
	ADDQ    $32, BX
	ADDQ    $32, R9
	ADDQ    $32, R10
	ADDQ    $32, R11
	DECQ    CX
	JNZ     cellfwd
	VZEROUPPER
	RET

// func sadamAVX2(theta, grad, m, v *float32, n int, k *[7]float32, eps float32)
//
// adamStep for float32, eight at a time; grad is cleared as it is read.
TEXT ·sadamAVX2(SB), NOSPLIT, $0-52
	MOVQ         theta+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), DX
	MOVQ         v+24(FP), BX
	MOVQ         n+32(FP), CX
	MOVQ         k+40(FP), AX
	VBROADCASTSS 0(AX), Y8
	VBROADCASTSS 4(AX), Y9
	VBROADCASTSS 8(AX), Y10
	VBROADCASTSS 12(AX), Y11
	VBROADCASTSS 16(AX), Y12
	VBROADCASTSS 20(AX), Y13
	VBROADCASTSS 24(AX), Y14
	VBROADCASTSS eps+48(FP), Y15
	SHRQ         $3, CX

	VXORPS       Y7, Y7, Y7

adamloop:
	VMOVUPS (SI), Y0
	VMOVUPS Y7, (SI)
	VMULPS  (DX), Y8, Y1
	VMULPS  Y0, Y9, Y2
	VADDPS  Y2, Y1, Y1
	VMOVUPS Y1, (DX)
	VMULPS  (BX), Y10, Y3
	VMULPS  Y0, Y11, Y4
	VMULPS  Y0, Y4, Y4
	VADDPS  Y4, Y3, Y3
	VMOVUPS Y3, (BX)
	VMULPS  Y12, Y1, Y1
	VMULPS  Y13, Y3, Y3
	VSQRTPS Y3, Y3
	VADDPS  Y15, Y3, Y3
	VMULPS  Y14, Y1, Y1
	VDIVPS  Y3, Y1, Y1
	VMOVUPS (DI), Y2
	VSUBPS  Y1, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, BX
	DECQ    CX
	JNZ     adamloop
	VZEROUPPER
	RET

// func stransposeAVX(a *float32, r, c int, t *float32)
//
// t (c×r) = transpose of a (r×c), r and c multiples of 8, by 8×8 tiles
// held in registers.
TEXT ·stransposeAVX(SB), NOSPLIT, $0-32
	MOVQ a+0(FP), DI
	MOVQ r+8(FP), R8
	MOVQ c+16(FP), R9
	MOVQ t+24(FP), SI
	MOVQ R9, R12
	SHLQ $2, R12          // a's row stride in bytes
	LEAQ (R12)(R12*2), R13
	MOVQ R8, BX
	SHLQ $2, BX           // t's row stride in bytes
	LEAQ (BX)(BX*2), R15
	MOVQ R8, R10
	SHRQ $3, R10          // row blocks left

tblocks:
	MOVQ DI, AX           // a: this row block, column 0
	MOVQ SI, DX           // t: column block i0, row 0
	MOVQ R9, R11
	SHRQ $3, R11          // column blocks left

ttile:
	LEAQ       (AX)(R12*4), CX
	VMOVUPS    (AX), Y0
	VMOVUPS    (AX)(R12*1), Y1
	VMOVUPS    (AX)(R12*2), Y2
	VMOVUPS    (AX)(R13*1), Y3
	VMOVUPS    (CX), Y4
	VMOVUPS    (CX)(R12*1), Y5
	VMOVUPS    (CX)(R12*2), Y6
	VMOVUPS    (CX)(R13*1), Y7
	VUNPCKLPS  Y1, Y0, Y8
	VUNPCKHPS  Y1, Y0, Y9
	VUNPCKLPS  Y3, Y2, Y10
	VUNPCKHPS  Y3, Y2, Y11
	VUNPCKLPS  Y5, Y4, Y12
	VUNPCKHPS  Y5, Y4, Y13
	VUNPCKLPS  Y7, Y6, Y14
	VUNPCKHPS  Y7, Y6, Y15
	VSHUFPS    $0x44, Y10, Y8, Y0
	VSHUFPS    $0xEE, Y10, Y8, Y1
	VSHUFPS    $0x44, Y11, Y9, Y2
	VSHUFPS    $0xEE, Y11, Y9, Y3
	VSHUFPS    $0x44, Y14, Y12, Y4
	VSHUFPS    $0xEE, Y14, Y12, Y5
	VSHUFPS    $0x44, Y15, Y13, Y6
	VSHUFPS    $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	LEAQ       (DX)(BX*4), CX
	VMOVUPS    Y8, (DX)
	VMOVUPS    Y9, (DX)(BX*1)
	VMOVUPS    Y10, (DX)(BX*2)
	VMOVUPS    Y11, (DX)(R15*1)
	VMOVUPS    Y12, (CX)
	VMOVUPS    Y13, (CX)(BX*1)
	VMOVUPS    Y14, (CX)(BX*2)
	VMOVUPS    Y15, (CX)(R15*1)
	ADDQ       $32, AX
	LEAQ       (CX)(BX*4), DX
	DECQ       R11
	JNZ        ttile

	LEAQ (DI)(R12*8), DI
	ADDQ $32, SI
	DECQ R10
	JNZ  tblocks
	VZEROUPPER
	RET

// func scellbackAVX2(h int, z, tc, dh, dc, cp, dz, gsum, dcp *float32)
//
// cellBackward for a node with a parent, eight hidden units at a time.
TEXT ·scellbackAVX2(SB), NOSPLIT, $0-72
	MOVQ         h+0(FP), CX
	MOVQ         z+8(FP), DI
	MOVQ         tc+16(FP), SI
	MOVQ         dh+24(FP), DX
	MOVQ         dc+32(FP), BX
	MOVQ         cp+40(FP), R8
	MOVQ         dz+48(FP), R9
	MOVQ         gsum+56(FP), R10
	MOVQ         dcp+64(FP), R11
	MOVQ         CX, R12
	SHLQ         $2, R12
	LEAQ         (R12)(R12*1), R13
	LEAQ         (R13)(R12*1), R14
	SHRQ         $3, CX
	MOVL         $0x3f800000, AX
	MOVL         AX, X15
	VBROADCASTSS X15, Y15

cellloop:
	VMOVUPS (DI), Y0
	VMOVUPS (DI)(R12*1), Y1
	VMOVUPS (DI)(R13*1), Y2
	VMOVUPS (DI)(R14*1), Y3
	VMOVUPS (SI), Y4
	VMOVUPS (DX), Y5
	VMULPS  Y4, Y4, Y6
	VSUBPS  Y6, Y15, Y6
	VMULPS  Y3, Y5, Y7
	VMULPS  Y6, Y7, Y7
	VADDPS  (BX), Y7, Y7
	VMULPS  Y2, Y7, Y8
	VMULPS  Y0, Y8, Y8
	VSUBPS  Y0, Y15, Y9
	VMULPS  Y9, Y8, Y8
	VMULPS  Y2, Y2, Y9
	VSUBPS  Y9, Y15, Y9
	VMULPS  Y0, Y7, Y10
	VMULPS  Y9, Y10, Y10
	VMULPS  Y4, Y5, Y11
	VMULPS  Y3, Y11, Y11
	VSUBPS  Y3, Y15, Y12
	VMULPS  Y12, Y11, Y11
	VMULPS  (R8), Y7, Y12
	VMULPS  Y1, Y12, Y12
	VSUBPS  Y1, Y15, Y13
	VMULPS  Y13, Y12, Y12
	VMULPS  Y1, Y7, Y13
	VADDPS  (R11), Y13, Y13
	VMOVUPS Y13, (R11)
	VADDPS  (R9), Y8, Y14
	VMOVUPS Y14, (R9)
	VADDPS  (R9)(R12*1), Y12, Y14
	VMOVUPS Y14, (R9)(R12*1)
	VADDPS  (R9)(R13*1), Y10, Y14
	VMOVUPS Y14, (R9)(R13*1)
	VADDPS  (R9)(R14*1), Y11, Y14
	VMOVUPS Y14, (R9)(R14*1)
	VADDPS  (R10), Y8, Y14
	VMOVUPS Y14, (R10)
	VADDPS  (R10)(R12*1), Y12, Y14
	VMOVUPS Y14, (R10)(R12*1)
	VADDPS  (R10)(R13*1), Y10, Y14
	VMOVUPS Y14, (R10)(R13*1)
	VADDPS  (R10)(R14*1), Y11, Y14
	VMOVUPS Y14, (R10)(R14*1)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, BX
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, R10
	ADDQ    $32, R11
	DECQ    CX
	JNZ     cellloop
	VZEROUPPER
	RET

// func sgemm6AVX2(m, n, k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)
//
// gemm for m a positive multiple of 6 and n of 16, by fused multiply-adds:
// for each block of 16 columns, tiles of six rows (twelve accumulators).
TEXT ·sgemm6AVX2(SB), NOSPLIT, $0-72
	MOVQ n+8(FP), R12
	MOVQ lda+32(FP), R8
	MOVQ ldb+48(FP), R9
	MOVQ ldc+64(FP), R10
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R12
	LEAQ (R8)(R8*2), R13  // 3*lda
	LEAQ (R8)(R8*4), R15  // 5*lda
	XORQ BX, BX           // byte offset of the column block

cols6:
	MOVQ m+0(FP), R11
	MOVQ a+24(FP), DI
	MOVQ c+56(FP), DX
	ADDQ BX, DX

rows6:
	MOVQ    DX, SI
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	ADDQ    R10, SI
	VMOVUPS (SI), Y2
	VMOVUPS 32(SI), Y3
	ADDQ    R10, SI
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	ADDQ    R10, SI
	VMOVUPS (SI), Y6
	VMOVUPS 32(SI), Y7
	ADDQ    R10, SI
	VMOVUPS (SI), Y8
	VMOVUPS 32(SI), Y9
	ADDQ    R10, SI
	VMOVUPS (SI), Y10
	VMOVUPS 32(SI), Y11
	MOVQ    DI, R14
	MOVQ    b+40(FP), CX
	ADDQ    BX, CX
	MOVQ    k+16(FP), AX

loop6:
	VMOVUPS      (CX), Y12
	VMOVUPS      32(CX), Y13
	VBROADCASTSS (R14), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS (R14)(R8*1), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS (R14)(R8*2), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS (R14)(R13*1), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS (R14)(R8*4), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS (R14)(R15*1), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ         $4, R14
	ADDQ         R9, CX
	DECQ         AX
	JNZ          loop6

	MOVQ    DX, SI
	VMOVUPS Y0, (SI)
	VMOVUPS Y1, 32(SI)
	ADDQ    R10, SI
	VMOVUPS Y2, (SI)
	VMOVUPS Y3, 32(SI)
	ADDQ    R10, SI
	VMOVUPS Y4, (SI)
	VMOVUPS Y5, 32(SI)
	ADDQ    R10, SI
	VMOVUPS Y6, (SI)
	VMOVUPS Y7, 32(SI)
	ADDQ    R10, SI
	VMOVUPS Y8, (SI)
	VMOVUPS Y9, 32(SI)
	ADDQ    R10, SI
	VMOVUPS Y10, (SI)
	VMOVUPS Y11, 32(SI)
	LEAQ    (DI)(R8*4), DI
	LEAQ    (DI)(R8*2), DI
	LEAQ    (DX)(R10*4), DX
	LEAQ    (DX)(R10*2), DX
	SUBQ    $6, R11
	JNZ     rows6

	ADDQ $64, BX
	CMPQ BX, R12
	JLT  cols6
	VZEROUPPER
	RET
