# llvmpipe's loop body of the image path's nt kernel, tile 16x4 with subgroup broadcasts (one iteration =
# 4 reduction steps of a 16-row x 32-column output tile: 2048 lane-fmas, 4096 flops), Mesa 25.0.7, LLVM 15,
# AVX2. Generated with MESA_SHADER_CACHE_DISABLE=true GALLIVM_DEBUG=asm; the 6 calls are the image loads
# (bench/results/lavapipe-asm/image-load.s shows the function they call).
   9f6:	nopw	%cs:(%rax,%rax)
   a00:	movq	(%r15), %rdi
   a03:	vmovdqa	64(%rsp), %ymm0
   a09:	vpbroadcastd	(%r14), %ymm2
   a0e:	vpmulld	3360(%rsp), %ymm0, %ymm0
   a18:	vpaddd	2432(%rsp), %ymm0, %ymm0
   a21:	movq	1016(%rdi), %rax
   a28:	addq	$768, %rdi
   a2f:	movq	40(%rax), %rax
   a33:	vpsrld	$10, %ymm0, %ymm1
   a38:	vpand	%ymm2, %ymm0, %ymm0
   a3c:	callq	*(%rax)
   a3e:	vmovdqa	%ymm0, 320(%rsp)
   a47:	vmovdqa	%ymm1, 64(%rsp)
   a4d:	vmovdqa	%ymm2, 448(%rsp)
   a56:	vmovaps	%ymm3, 2176(%rsp)
   a5f:	vbroadcastss	2816(%rsp), %ymm4
   a69:	vmovaps	2464(%rsp), %ymm0
   a72:	vmovaps	2528(%rsp), %ymm11
   a7b:	vmovaps	2400(%rsp), %ymm2
   a84:	vmovaps	384(%rsp), %ymm9
   a8d:	vmovaps	5664(%rsp), %ymm12
   a96:	vmovaps	352(%rsp), %ymm14
   a9f:	vmovaps	2496(%rsp), %ymm10
   aa8:	vmovaps	4032(%rsp), %ymm3
   ab1:	vmovaps	2368(%rsp), %ymm13
   aba:	vmovaps	2208(%rsp), %ymm15
   ac3:	vmulps	%ymm0, %ymm4, %ymm5
   ac7:	vmovaps	%ymm9, %ymm1
   acb:	vaddps	%ymm5, %ymm11, %ymm6
   acf:	vbroadcastss	2848(%rsp), %ymm5
   ad9:	vmulps	%ymm2, %ymm5, %ymm7
   add:	vaddps	%ymm6, %ymm7, %ymm7
   ae1:	vbroadcastss	2880(%rsp), %ymm6
   aeb:	vmulps	%ymm6, %ymm9, %ymm8
   aef:	vaddps	%ymm7, %ymm8, %ymm7
   af3:	vbroadcastss	2912(%rsp), %ymm8
   afd:	vmulps	288(%rsp), %ymm8, %ymm9
   b06:	vaddps	%ymm7, %ymm9, %ymm7
   b0a:	vblendvps	%ymm12, %ymm7, %ymm11, %ymm11
   b10:	vmulps	%ymm4, %ymm14, %ymm7
   b14:	vmovaps	%ymm11, 2528(%rsp)
   b1d:	vmovaps	2304(%rsp), %ymm11
   b26:	vaddps	%ymm7, %ymm10, %ymm7
   b2a:	vmulps	%ymm5, %ymm11, %ymm9
   b2e:	vaddps	%ymm7, %ymm9, %ymm7
   b32:	vmulps	2336(%rsp), %ymm6, %ymm9
   b3b:	vaddps	%ymm7, %ymm9, %ymm7
   b3f:	vmulps	2368(%rsp), %ymm8, %ymm9
   b48:	vaddps	%ymm7, %ymm9, %ymm7
   b4c:	vmulps	2272(%rsp), %ymm5, %ymm9
   b55:	vmulps	64(%rsp), %ymm5, %ymm5
   b5b:	vblendvps	%ymm12, %ymm7, %ymm10, %ymm10
   b61:	vmulps	2208(%rsp), %ymm4, %ymm7
   b6a:	vmulps	320(%rsp), %ymm4, %ymm4
   b73:	vmovaps	%ymm10, 2496(%rsp)
   b7c:	vmovaps	480(%rsp), %ymm10
   b85:	vaddps	%ymm7, %ymm10, %ymm7
   b89:	vaddps	%ymm7, %ymm9, %ymm7
   b8d:	vmulps	416(%rsp), %ymm6, %ymm9
   b96:	vaddps	%ymm7, %ymm9, %ymm7
   b9a:	vmulps	2240(%rsp), %ymm8, %ymm9
   ba3:	vaddps	%ymm7, %ymm9, %ymm7
   ba7:	vmovaps	%ymm2, %ymm9
   bab:	vblendvps	%ymm12, %ymm7, %ymm10, %ymm10
   bb1:	vmovaps	2560(%rsp), %ymm7
   bba:	vmovaps	%ymm10, 480(%rsp)
   bc3:	vmovaps	%ymm1, %ymm10
   bc7:	vmovaps	4096(%rsp), %ymm1
   bd0:	vaddps	%ymm4, %ymm7, %ymm4
   bd4:	vaddps	%ymm4, %ymm5, %ymm4
   bd8:	vmulps	448(%rsp), %ymm6, %ymm5
   be1:	vmovaps	512(%rsp), %ymm6
   bea:	vaddps	%ymm4, %ymm5, %ymm4
   bee:	vmulps	2176(%rsp), %ymm8, %ymm5
   bf7:	vmovaps	288(%rsp), %ymm8
   c00:	vaddps	%ymm4, %ymm5, %ymm4
   c04:	vblendvps	%ymm12, %ymm4, %ymm7, %ymm7
   c0a:	vmulps	%ymm3, %ymm0, %ymm4
   c0e:	vmovaps	%ymm7, 2560(%rsp)
   c17:	vmovaps	4064(%rsp), %ymm7
   c20:	vaddps	%ymm4, %ymm6, %ymm4
   c24:	vmulps	%ymm7, %ymm2, %ymm5
   c28:	vmovaps	4128(%rsp), %ymm2
   c31:	vaddps	%ymm4, %ymm5, %ymm4
   c35:	vmulps	%ymm1, %ymm10, %ymm5
   c39:	vaddps	%ymm4, %ymm5, %ymm4
   c3d:	vmulps	288(%rsp), %ymm2, %ymm5
   c46:	vaddps	%ymm4, %ymm5, %ymm4
   c4a:	vmulps	%ymm7, %ymm11, %ymm5
   c4e:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   c54:	vmulps	%ymm3, %ymm14, %ymm4
   c58:	vmovaps	2336(%rsp), %ymm14
   c61:	vmovaps	%ymm6, 512(%rsp)
   c6a:	vmovaps	544(%rsp), %ymm6
   c73:	vaddps	%ymm4, %ymm6, %ymm4
   c77:	vaddps	%ymm4, %ymm5, %ymm4
   c7b:	vmulps	%ymm1, %ymm14, %ymm5
   c7f:	vaddps	%ymm4, %ymm5, %ymm4
   c83:	vmulps	%ymm2, %ymm13, %ymm5
   c87:	vaddps	%ymm4, %ymm5, %ymm4
   c8b:	vmulps	2272(%rsp), %ymm7, %ymm5
   c94:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   c9a:	vmulps	%ymm3, %ymm15, %ymm4
   c9e:	vmovaps	%ymm6, 544(%rsp)
   ca7:	vmovaps	576(%rsp), %ymm6
   cb0:	vaddps	%ymm4, %ymm6, %ymm4
   cb4:	vaddps	%ymm4, %ymm5, %ymm4
   cb8:	vmulps	416(%rsp), %ymm1, %ymm5
   cc1:	vaddps	%ymm4, %ymm5, %ymm4
   cc5:	vmulps	2240(%rsp), %ymm2, %ymm5
   cce:	vaddps	%ymm4, %ymm5, %ymm4
   cd2:	vmulps	64(%rsp), %ymm7, %ymm5
   cd8:	vmovaps	3808(%rsp), %ymm7
   ce1:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   ce7:	vmulps	320(%rsp), %ymm3, %ymm4
   cf0:	vmovaps	3776(%rsp), %ymm3
   cf9:	vmovaps	%ymm6, 576(%rsp)
   d02:	vmovaps	2592(%rsp), %ymm6
   d0b:	vaddps	%ymm4, %ymm6, %ymm4
   d0f:	vaddps	%ymm4, %ymm5, %ymm4
   d13:	vmulps	448(%rsp), %ymm1, %ymm5
   d1c:	vmovaps	3872(%rsp), %ymm1
   d25:	vaddps	%ymm4, %ymm5, %ymm4
   d29:	vmulps	2176(%rsp), %ymm2, %ymm5
   d32:	vmovaps	3840(%rsp), %ymm2
   d3b:	vaddps	%ymm4, %ymm5, %ymm4
   d3f:	vmulps	%ymm7, %ymm9, %ymm5
   d43:	vmovaps	448(%rsp), %ymm9
   d4c:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   d52:	vmulps	%ymm3, %ymm0, %ymm4
   d56:	vmovaps	%ymm10, %ymm0
   d5a:	vmovaps	%ymm6, 2592(%rsp)
   d63:	vmovaps	608(%rsp), %ymm6
   d6c:	vaddps	%ymm4, %ymm6, %ymm4
   d70:	vaddps	%ymm4, %ymm5, %ymm4
   d74:	vmulps	%ymm2, %ymm10, %ymm5
   d78:	vmovaps	%ymm11, %ymm10
   d7d:	vaddps	%ymm4, %ymm5, %ymm4
   d81:	vmulps	%ymm1, %ymm8, %ymm5
   d85:	vaddps	%ymm4, %ymm5, %ymm4
   d89:	vmulps	%ymm7, %ymm11, %ymm5
   d8d:	vmovaps	%ymm13, %ymm11
   d92:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   d98:	vmulps	352(%rsp), %ymm3, %ymm4
   da1:	vmovaps	%ymm6, 608(%rsp)
   daa:	vmovaps	640(%rsp), %ymm6
   db3:	vaddps	%ymm4, %ymm6, %ymm4
   db7:	vaddps	%ymm4, %ymm5, %ymm4
   dbb:	vmulps	%ymm2, %ymm14, %ymm5
   dbf:	vmovaps	2464(%rsp), %ymm14
   dc8:	vaddps	%ymm4, %ymm5, %ymm4
   dcc:	vmulps	%ymm1, %ymm13, %ymm5
   dd0:	vmovaps	%ymm15, %ymm13
   dd5:	vaddps	%ymm4, %ymm5, %ymm4
   dd9:	vmulps	2272(%rsp), %ymm7, %ymm5
   de2:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   de8:	vmulps	%ymm3, %ymm15, %ymm4
   dec:	vmovaps	416(%rsp), %ymm15
   df5:	vmovaps	%ymm6, 640(%rsp)
   dfe:	vmovaps	672(%rsp), %ymm6
   e07:	vaddps	%ymm4, %ymm6, %ymm4
   e0b:	vaddps	%ymm4, %ymm5, %ymm4
   e0f:	vmulps	%ymm2, %ymm15, %ymm5
   e13:	vaddps	%ymm4, %ymm5, %ymm4
   e17:	vmulps	2240(%rsp), %ymm1, %ymm5
   e20:	vaddps	%ymm4, %ymm5, %ymm4
   e24:	vmulps	64(%rsp), %ymm7, %ymm5
   e2a:	vmovaps	2176(%rsp), %ymm7
   e33:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   e39:	vmovaps	320(%rsp), %ymm4
   e42:	vmovaps	%ymm6, 672(%rsp)
   e4b:	vmovaps	2624(%rsp), %ymm6
   e54:	vmovaps	%ymm7, 2176(%rsp)
   e5d:	vmulps	%ymm3, %ymm4, %ymm4
   e61:	vmovaps	3936(%rsp), %ymm3
   e6a:	vaddps	%ymm4, %ymm6, %ymm4
   e6e:	vaddps	%ymm4, %ymm5, %ymm4
   e72:	vmulps	%ymm2, %ymm9, %ymm5
   e76:	vmovaps	3904(%rsp), %ymm2
   e7f:	vaddps	%ymm4, %ymm5, %ymm4
   e83:	vmulps	%ymm1, %ymm7, %ymm5
   e87:	vmovaps	3968(%rsp), %ymm1
   e90:	vaddps	%ymm4, %ymm5, %ymm4
   e94:	vmulps	2400(%rsp), %ymm3, %ymm5
   e9d:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   ea3:	vmulps	%ymm2, %ymm14, %ymm4
   ea7:	vmovaps	%ymm6, 2624(%rsp)
   eb0:	vmovaps	704(%rsp), %ymm6
   eb9:	vaddps	%ymm4, %ymm6, %ymm4
   ebd:	vaddps	%ymm4, %ymm5, %ymm4
   ec1:	vmulps	%ymm1, %ymm0, %ymm5
   ec5:	vmovaps	4000(%rsp), %ymm0
   ece:	vaddps	%ymm4, %ymm5, %ymm4
   ed2:	vmulps	%ymm0, %ymm8, %ymm5
   ed6:	vmovaps	352(%rsp), %ymm8
   edf:	vaddps	%ymm4, %ymm5, %ymm4
   ee3:	vmulps	%ymm3, %ymm10, %ymm5
   ee7:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   eed:	vmovaps	%ymm6, 704(%rsp)
   ef6:	vmovaps	736(%rsp), %ymm6
   eff:	vmulps	%ymm2, %ymm8, %ymm4
   f03:	vaddps	%ymm4, %ymm6, %ymm4
   f07:	vaddps	%ymm4, %ymm5, %ymm4
   f0b:	vmulps	2336(%rsp), %ymm1, %ymm5
   f14:	vaddps	%ymm4, %ymm5, %ymm4
   f18:	vmulps	%ymm0, %ymm11, %ymm5
   f1c:	vmovaps	2272(%rsp), %ymm11
   f25:	vaddps	%ymm4, %ymm5, %ymm4
   f29:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   f2f:	vmulps	%ymm2, %ymm13, %ymm4
   f33:	vmovaps	%ymm6, 736(%rsp)
   f3c:	vmovaps	768(%rsp), %ymm6
   f45:	vmulps	%ymm3, %ymm11, %ymm5
   f49:	vaddps	%ymm4, %ymm6, %ymm4
   f4d:	vaddps	%ymm4, %ymm5, %ymm4
   f51:	vmulps	%ymm1, %ymm15, %ymm5
   f55:	vaddps	%ymm4, %ymm5, %ymm4
   f59:	vmulps	2240(%rsp), %ymm0, %ymm5
   f62:	vaddps	%ymm4, %ymm5, %ymm4
   f66:	vmulps	64(%rsp), %ymm3, %ymm5
   f6c:	vmovaps	2336(%rsp), %ymm3
   f75:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   f7b:	vmulps	320(%rsp), %ymm2, %ymm4
   f84:	vmovaps	4416(%rsp), %ymm2
   f8d:	vmovaps	%ymm6, 768(%rsp)
   f96:	vmovaps	2656(%rsp), %ymm6
   f9f:	vaddps	%ymm4, %ymm6, %ymm4
   fa3:	vaddps	%ymm4, %ymm5, %ymm4
   fa7:	vmulps	%ymm1, %ymm9, %ymm5
   fab:	vmovaps	4480(%rsp), %ymm1
   fb4:	vmovaps	4576(%rsp), %ymm9
   fbd:	vaddps	%ymm4, %ymm5, %ymm4
   fc1:	vmulps	%ymm0, %ymm7, %ymm5
   fc5:	vmovaps	4512(%rsp), %ymm0
   fce:	vaddps	%ymm4, %ymm5, %ymm4
   fd2:	vmulps	2400(%rsp), %ymm1, %ymm5
   fdb:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
   fe1:	vmulps	%ymm2, %ymm14, %ymm4
   fe5:	vmovaps	288(%rsp), %ymm14
   fee:	vmovaps	%ymm6, 2656(%rsp)
   ff7:	vmovaps	800(%rsp), %ymm6
  1000:	vaddps	%ymm4, %ymm6, %ymm4
  1004:	vaddps	%ymm4, %ymm5, %ymm4
  1008:	vmulps	384(%rsp), %ymm0, %ymm5
  1011:	vaddps	%ymm4, %ymm5, %ymm4
  1015:	vmulps	%ymm9, %ymm14, %ymm5
  101a:	vaddps	%ymm4, %ymm5, %ymm4
  101e:	vmulps	%ymm1, %ymm10, %ymm5
  1022:	vmovaps	352(%rsp), %ymm10
  102b:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1031:	vmulps	%ymm2, %ymm8, %ymm4
  1035:	vmovaps	320(%rsp), %ymm8
  103e:	vmovaps	%ymm6, 800(%rsp)
  1047:	vmovaps	832(%rsp), %ymm6
  1050:	vaddps	%ymm4, %ymm6, %ymm4
  1054:	vaddps	%ymm4, %ymm5, %ymm4
  1058:	vmulps	%ymm0, %ymm3, %ymm5
  105c:	vaddps	%ymm4, %ymm5, %ymm4
  1060:	vmulps	2368(%rsp), %ymm9, %ymm5
  1069:	vaddps	%ymm4, %ymm5, %ymm4
  106d:	vmulps	%ymm1, %ymm11, %ymm5
  1071:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1077:	vmulps	%ymm2, %ymm13, %ymm4
  107b:	vmovaps	2240(%rsp), %ymm13
  1084:	vmovaps	%ymm6, 832(%rsp)
  108d:	vmovaps	864(%rsp), %ymm6
  1096:	vaddps	%ymm4, %ymm6, %ymm4
  109a:	vaddps	%ymm4, %ymm5, %ymm4
  109e:	vmulps	%ymm0, %ymm15, %ymm5
  10a2:	vmovaps	%ymm14, %ymm15
  10a7:	vaddps	%ymm4, %ymm5, %ymm4
  10ab:	vmulps	%ymm9, %ymm13, %ymm5
  10b0:	vaddps	%ymm4, %ymm5, %ymm4
  10b4:	vmulps	64(%rsp), %ymm1, %ymm5
  10ba:	vmovaps	4224(%rsp), %ymm1
  10c3:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  10c9:	vmulps	%ymm2, %ymm8, %ymm4
  10cd:	vmovaps	4192(%rsp), %ymm2
  10d6:	vmovaps	%ymm6, 864(%rsp)
  10df:	vmovaps	2688(%rsp), %ymm6
  10e8:	vaddps	%ymm4, %ymm6, %ymm4
  10ec:	vaddps	%ymm4, %ymm5, %ymm4
  10f0:	vmulps	448(%rsp), %ymm0, %ymm5
  10f9:	vmovaps	4256(%rsp), %ymm0
  1102:	vaddps	%ymm4, %ymm5, %ymm4
  1106:	vmulps	%ymm7, %ymm9, %ymm5
  110a:	vmovaps	4160(%rsp), %ymm9
  1113:	vaddps	%ymm4, %ymm5, %ymm4
  1117:	vmulps	2400(%rsp), %ymm2, %ymm5
  1120:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1126:	vmulps	2464(%rsp), %ymm9, %ymm4
  112f:	vmovaps	%ymm6, 2688(%rsp)
  1138:	vmovaps	896(%rsp), %ymm6
  1141:	vaddps	%ymm4, %ymm6, %ymm4
  1145:	vaddps	%ymm4, %ymm5, %ymm4
  1149:	vmulps	384(%rsp), %ymm1, %ymm5
  1152:	vaddps	%ymm4, %ymm5, %ymm4
  1156:	vmulps	%ymm0, %ymm14, %ymm5
  115a:	vmovaps	2208(%rsp), %ymm14
  1163:	vaddps	%ymm4, %ymm5, %ymm4
  1167:	vmulps	2304(%rsp), %ymm2, %ymm5
  1170:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1176:	vmulps	%ymm9, %ymm10, %ymm4
  117b:	vmovaps	%ymm6, 896(%rsp)
  1184:	vmovaps	928(%rsp), %ymm6
  118d:	vaddps	%ymm4, %ymm6, %ymm4
  1191:	vaddps	%ymm4, %ymm5, %ymm4
  1195:	vmulps	%ymm1, %ymm3, %ymm5
  1199:	vmovaps	2368(%rsp), %ymm3
  11a2:	vaddps	%ymm4, %ymm5, %ymm4
  11a6:	vmulps	%ymm0, %ymm3, %ymm5
  11aa:	vaddps	%ymm4, %ymm5, %ymm4
  11ae:	vmulps	%ymm2, %ymm11, %ymm5
  11b2:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  11b8:	vmulps	%ymm9, %ymm14, %ymm4
  11bd:	vmovaps	%ymm6, 928(%rsp)
  11c6:	vmovaps	960(%rsp), %ymm6
  11cf:	vaddps	%ymm4, %ymm6, %ymm4
  11d3:	vaddps	%ymm4, %ymm5, %ymm4
  11d7:	vmulps	416(%rsp), %ymm1, %ymm5
  11e0:	vaddps	%ymm4, %ymm5, %ymm4
  11e4:	vmulps	%ymm0, %ymm13, %ymm5
  11e8:	vaddps	%ymm4, %ymm5, %ymm4
  11ec:	vmulps	64(%rsp), %ymm2, %ymm5
  11f2:	vmovaps	4384(%rsp), %ymm2
  11fb:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1201:	vmulps	%ymm9, %ymm8, %ymm4
  1206:	vmovaps	%ymm8, %ymm9
  120b:	vmovaps	4320(%rsp), %ymm8
  1214:	vmovaps	%ymm6, 960(%rsp)
  121d:	vmovaps	2720(%rsp), %ymm6
  1226:	vaddps	%ymm4, %ymm6, %ymm4
  122a:	vaddps	%ymm4, %ymm5, %ymm4
  122e:	vmulps	448(%rsp), %ymm1, %ymm5
  1237:	vmovaps	4288(%rsp), %ymm1
  1240:	vaddps	%ymm4, %ymm5, %ymm4
  1244:	vmulps	%ymm0, %ymm7, %ymm5
  1248:	vmovaps	2464(%rsp), %ymm7
  1251:	vmovaps	4352(%rsp), %ymm0
  125a:	vaddps	%ymm4, %ymm5, %ymm4
  125e:	vmulps	2400(%rsp), %ymm0, %ymm5
  1267:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  126d:	vmovaps	%ymm6, 2720(%rsp)
  1276:	vmovaps	992(%rsp), %ymm6
  127f:	vmulps	%ymm1, %ymm7, %ymm4
  1283:	vaddps	%ymm4, %ymm6, %ymm4
  1287:	vaddps	%ymm4, %ymm5, %ymm4
  128b:	vmulps	384(%rsp), %ymm2, %ymm5
  1294:	vaddps	%ymm4, %ymm5, %ymm4
  1298:	vmulps	%ymm8, %ymm15, %ymm5
  129d:	vmovaps	2176(%rsp), %ymm15
  12a6:	vaddps	%ymm4, %ymm5, %ymm4
  12aa:	vmulps	2304(%rsp), %ymm0, %ymm5
  12b3:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  12b9:	vmulps	%ymm1, %ymm10, %ymm4
  12bd:	vmovaps	2336(%rsp), %ymm10
  12c6:	vmovaps	%ymm6, 992(%rsp)
  12cf:	vmovaps	1024(%rsp), %ymm6
  12d8:	vaddps	%ymm4, %ymm6, %ymm4
  12dc:	vaddps	%ymm4, %ymm5, %ymm4
  12e0:	vmulps	%ymm2, %ymm10, %ymm5
  12e4:	vaddps	%ymm4, %ymm5, %ymm4
  12e8:	vmulps	%ymm3, %ymm8, %ymm5
  12ec:	vaddps	%ymm4, %ymm5, %ymm4
  12f0:	vmulps	%ymm0, %ymm11, %ymm5
  12f4:	vmovaps	416(%rsp), %ymm11
  12fd:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1303:	vmulps	%ymm1, %ymm14, %ymm4
  1307:	vmovaps	448(%rsp), %ymm14
  1310:	vmovaps	%ymm6, 1024(%rsp)
  1319:	vmovaps	1056(%rsp), %ymm6
  1322:	vaddps	%ymm4, %ymm6, %ymm4
  1326:	vaddps	%ymm4, %ymm5, %ymm4
  132a:	vmulps	%ymm2, %ymm11, %ymm5
  132e:	vaddps	%ymm4, %ymm5, %ymm4
  1332:	vmulps	%ymm8, %ymm13, %ymm5
  1337:	vaddps	%ymm4, %ymm5, %ymm4
  133b:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1341:	vmulps	%ymm1, %ymm9, %ymm4
  1345:	vmovaps	64(%rsp), %ymm9
  134b:	vmovaps	4448(%rsp), %ymm1
  1354:	vmovaps	%ymm6, 1056(%rsp)
  135d:	vmovaps	2752(%rsp), %ymm6
  1366:	vmulps	%ymm0, %ymm9, %ymm5
  136a:	vmovaps	384(%rsp), %ymm0
  1373:	vaddps	%ymm4, %ymm6, %ymm4
  1377:	vaddps	%ymm4, %ymm5, %ymm4
  137b:	vmulps	%ymm2, %ymm14, %ymm5
  137f:	vmovaps	4640(%rsp), %ymm2
  1388:	vaddps	%ymm4, %ymm5, %ymm4
  138c:	vmulps	%ymm8, %ymm15, %ymm5
  1391:	vmovaps	4544(%rsp), %ymm8
  139a:	vaddps	%ymm4, %ymm5, %ymm4
  139e:	vmulps	2400(%rsp), %ymm8, %ymm5
  13a7:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  13ad:	vmulps	%ymm1, %ymm7, %ymm4
  13b1:	vmovaps	4608(%rsp), %ymm7
  13ba:	vmovaps	%ymm6, 2752(%rsp)
  13c3:	vmovaps	1088(%rsp), %ymm6
  13cc:	vaddps	%ymm4, %ymm6, %ymm4
  13d0:	vaddps	%ymm4, %ymm5, %ymm4
  13d4:	vmulps	384(%rsp), %ymm7, %ymm5
  13dd:	vaddps	%ymm4, %ymm5, %ymm4
  13e1:	vmulps	288(%rsp), %ymm2, %ymm5
  13ea:	vaddps	%ymm4, %ymm5, %ymm4
  13ee:	vmovaps	2304(%rsp), %ymm5
  13f7:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  13fd:	vmulps	352(%rsp), %ymm1, %ymm4
  1406:	vmovaps	%ymm6, 1088(%rsp)
  140f:	vmovaps	1120(%rsp), %ymm6
  1418:	vmulps	%ymm5, %ymm8, %ymm5
  141c:	vaddps	%ymm4, %ymm6, %ymm4
  1420:	vaddps	%ymm4, %ymm5, %ymm4
  1424:	vmulps	%ymm7, %ymm10, %ymm5
  1428:	vmovaps	1184(%rsp), %ymm10
  1431:	vaddps	%ymm4, %ymm5, %ymm4
  1435:	vmulps	%ymm2, %ymm3, %ymm5
  1439:	vmovaps	2208(%rsp), %ymm3
  1442:	vaddps	%ymm4, %ymm5, %ymm4
  1446:	vmulps	2272(%rsp), %ymm8, %ymm5
  144f:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1455:	vmovaps	%ymm6, 1120(%rsp)
  145e:	vmovaps	1152(%rsp), %ymm6
  1467:	vmulps	%ymm1, %ymm3, %ymm4
  146b:	vaddps	%ymm4, %ymm6, %ymm4
  146f:	vaddps	%ymm4, %ymm5, %ymm4
  1473:	vmulps	%ymm7, %ymm11, %ymm5
  1477:	vmovaps	2464(%rsp), %ymm11
  1480:	vaddps	%ymm4, %ymm5, %ymm4
  1484:	vmulps	%ymm2, %ymm13, %ymm5
  1488:	vmovaps	320(%rsp), %ymm13
  1491:	vaddps	%ymm4, %ymm5, %ymm4
  1495:	vmulps	%ymm8, %ymm9, %ymm5
  149a:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  14a0:	vmovaps	%ymm6, 1152(%rsp)
  14a9:	vmovaps	2784(%rsp), %ymm6
  14b2:	vmulps	%ymm1, %ymm13, %ymm4
  14b6:	vmovaps	2240(%rsp), %ymm1
  14bf:	vaddps	%ymm4, %ymm6, %ymm4
  14c3:	vaddps	%ymm4, %ymm5, %ymm4
  14c7:	vmulps	%ymm7, %ymm14, %ymm5
  14cb:	vmovaps	2336(%rsp), %ymm14
  14d4:	vaddps	%ymm4, %ymm5, %ymm4
  14d8:	vmulps	%ymm2, %ymm15, %ymm5
  14dc:	vmovaps	2400(%rsp), %ymm15
  14e5:	vmovaps	448(%rsp), %ymm2
  14ee:	vaddps	%ymm4, %ymm5, %ymm4
  14f2:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  14f8:	vbroadcastss	2944(%rsp), %ymm4
  1502:	vmovaps	%ymm6, 2784(%rsp)
  150b:	vmulps	%ymm4, %ymm11, %ymm5
  150f:	vaddps	%ymm5, %ymm10, %ymm6
  1513:	vbroadcastss	2976(%rsp), %ymm5
  151d:	vmulps	%ymm5, %ymm15, %ymm7
  1521:	vaddps	%ymm6, %ymm7, %ymm7
  1525:	vbroadcastss	3008(%rsp), %ymm6
  152f:	vmulps	%ymm0, %ymm6, %ymm8
  1533:	vaddps	%ymm7, %ymm8, %ymm7
  1537:	vbroadcastss	3040(%rsp), %ymm8
  1541:	vmulps	288(%rsp), %ymm8, %ymm9
  154a:	vaddps	%ymm7, %ymm9, %ymm7
  154e:	vmulps	2304(%rsp), %ymm5, %ymm9
  1557:	vblendvps	%ymm12, %ymm7, %ymm10, %ymm10
  155d:	vmulps	352(%rsp), %ymm4, %ymm7
  1566:	vmovaps	%ymm10, 1184(%rsp)
  156f:	vmovaps	1216(%rsp), %ymm10
  1578:	vaddps	%ymm7, %ymm10, %ymm7
  157c:	vaddps	%ymm7, %ymm9, %ymm7
  1580:	vmulps	%ymm6, %ymm14, %ymm9
  1584:	vaddps	%ymm7, %ymm9, %ymm7
  1588:	vmulps	2368(%rsp), %ymm8, %ymm9
  1591:	vaddps	%ymm7, %ymm9, %ymm7
  1595:	vmulps	2272(%rsp), %ymm5, %ymm9
  159e:	vmulps	64(%rsp), %ymm5, %ymm5
  15a4:	vblendvps	%ymm12, %ymm7, %ymm10, %ymm10
  15aa:	vmulps	%ymm3, %ymm4, %ymm7
  15ae:	vmulps	%ymm4, %ymm13, %ymm4
  15b2:	vmovaps	2176(%rsp), %ymm3
  15bb:	vmovaps	%ymm10, 1216(%rsp)
  15c4:	vmovaps	1248(%rsp), %ymm10
  15cd:	vaddps	%ymm7, %ymm10, %ymm7
  15d1:	vaddps	%ymm7, %ymm9, %ymm7
  15d5:	vmulps	416(%rsp), %ymm6, %ymm9
  15de:	vaddps	%ymm7, %ymm9, %ymm7
  15e2:	vmulps	%ymm1, %ymm8, %ymm9
  15e6:	vaddps	%ymm7, %ymm9, %ymm7
  15ea:	vmovaps	%ymm11, %ymm9
  15ef:	vmovaps	4800(%rsp), %ymm11
  15f8:	vblendvps	%ymm12, %ymm7, %ymm10, %ymm10
  15fe:	vmovaps	1280(%rsp), %ymm7
  1607:	vmovaps	%ymm10, 1248(%rsp)
  1610:	vmovaps	4864(%rsp), %ymm10
  1619:	vaddps	%ymm4, %ymm7, %ymm4
  161d:	vaddps	%ymm4, %ymm5, %ymm4
  1621:	vmulps	%ymm2, %ymm6, %ymm5
  1625:	vmovaps	1312(%rsp), %ymm6
  162e:	vaddps	%ymm4, %ymm5, %ymm4
  1632:	vmulps	%ymm3, %ymm8, %ymm5
  1636:	vmovaps	4896(%rsp), %ymm8
  163f:	vaddps	%ymm4, %ymm5, %ymm4
  1643:	vmulps	%ymm10, %ymm15, %ymm5
  1648:	vmovaps	288(%rsp), %ymm15
  1651:	vblendvps	%ymm12, %ymm4, %ymm7, %ymm7
  1657:	vmulps	%ymm11, %ymm9, %ymm4
  165c:	vmovaps	%ymm7, 1280(%rsp)
  1665:	vmovaps	4960(%rsp), %ymm7
  166e:	vaddps	%ymm4, %ymm6, %ymm4
  1672:	vaddps	%ymm4, %ymm5, %ymm4
  1676:	vmulps	%ymm0, %ymm8, %ymm5
  167a:	vmovaps	352(%rsp), %ymm0
  1683:	vaddps	%ymm4, %ymm5, %ymm4
  1687:	vmulps	%ymm7, %ymm15, %ymm5
  168b:	vaddps	%ymm4, %ymm5, %ymm4
  168f:	vmulps	2304(%rsp), %ymm10, %ymm5
  1698:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  169e:	vmulps	%ymm0, %ymm11, %ymm4
  16a2:	vmovaps	%ymm6, 1312(%rsp)
  16ab:	vmovaps	1344(%rsp), %ymm6
  16b4:	vaddps	%ymm4, %ymm6, %ymm4
  16b8:	vaddps	%ymm4, %ymm5, %ymm4
  16bc:	vmulps	%ymm8, %ymm14, %ymm5
  16c1:	vmovaps	2368(%rsp), %ymm14
  16ca:	vaddps	%ymm4, %ymm5, %ymm4
  16ce:	vmulps	%ymm7, %ymm14, %ymm5
  16d2:	vaddps	%ymm4, %ymm5, %ymm4
  16d6:	vmulps	2272(%rsp), %ymm10, %ymm5
  16df:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  16e5:	vmulps	2208(%rsp), %ymm11, %ymm4
  16ee:	vmovaps	%ymm6, 1344(%rsp)
  16f7:	vmovaps	1376(%rsp), %ymm6
  1700:	vaddps	%ymm4, %ymm6, %ymm4
  1704:	vaddps	%ymm4, %ymm5, %ymm4
  1708:	vmulps	416(%rsp), %ymm8, %ymm5
  1711:	vaddps	%ymm4, %ymm5, %ymm4
  1715:	vmulps	%ymm7, %ymm1, %ymm5
  1719:	vmovaps	2400(%rsp), %ymm1
  1722:	vaddps	%ymm4, %ymm5, %ymm4
  1726:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  172c:	vmulps	%ymm11, %ymm13, %ymm4
  1731:	vmovaps	64(%rsp), %ymm13
  1737:	vmovaps	416(%rsp), %ymm11
  1740:	vmovaps	%ymm6, 1376(%rsp)
  1749:	vmovaps	1408(%rsp), %ymm6
  1752:	vmulps	%ymm10, %ymm13, %ymm5
  1757:	vmovaps	4672(%rsp), %ymm10
  1760:	vaddps	%ymm4, %ymm6, %ymm4
  1764:	vaddps	%ymm4, %ymm5, %ymm4
  1768:	vmulps	%ymm2, %ymm8, %ymm5
  176c:	vmovaps	4736(%rsp), %ymm8
  1775:	vmovaps	2304(%rsp), %ymm2
  177e:	vaddps	%ymm4, %ymm5, %ymm4
  1782:	vmulps	%ymm7, %ymm3, %ymm5
  1786:	vmovaps	4768(%rsp), %ymm7
  178f:	vmovaps	2272(%rsp), %ymm3
  1798:	vaddps	%ymm4, %ymm5, %ymm4
  179c:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  17a2:	vmulps	%ymm10, %ymm9, %ymm4
  17a7:	vmovaps	4704(%rsp), %ymm9
  17b0:	vmovaps	%ymm6, 1408(%rsp)
  17b9:	vmovaps	1440(%rsp), %ymm6
  17c2:	vmulps	%ymm1, %ymm9, %ymm5
  17c6:	vaddps	%ymm4, %ymm6, %ymm4
  17ca:	vaddps	%ymm4, %ymm5, %ymm4
  17ce:	vmulps	384(%rsp), %ymm8, %ymm5
  17d7:	vaddps	%ymm4, %ymm5, %ymm4
  17db:	vmulps	%ymm7, %ymm15, %ymm5
  17df:	vmovaps	2240(%rsp), %ymm15
  17e8:	vaddps	%ymm4, %ymm5, %ymm4
  17ec:	vmulps	%ymm2, %ymm9, %ymm5
  17f0:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  17f6:	vmulps	%ymm0, %ymm10, %ymm4
  17fa:	vmovaps	320(%rsp), %ymm0
  1803:	vmovaps	%ymm6, 1440(%rsp)
  180c:	vmovaps	1472(%rsp), %ymm6
  1815:	vaddps	%ymm4, %ymm6, %ymm4
  1819:	vaddps	%ymm4, %ymm5, %ymm4
  181d:	vmulps	2336(%rsp), %ymm8, %ymm5
  1826:	vaddps	%ymm4, %ymm5, %ymm4
  182a:	vmulps	%ymm7, %ymm14, %ymm5
  182e:	vmovaps	2336(%rsp), %ymm14
  1837:	vaddps	%ymm4, %ymm5, %ymm4
  183b:	vmulps	%ymm3, %ymm9, %ymm5
  183f:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1845:	vmulps	2208(%rsp), %ymm10, %ymm4
  184e:	vmovaps	%ymm6, 1472(%rsp)
  1857:	vmovaps	1504(%rsp), %ymm6
  1860:	vaddps	%ymm4, %ymm6, %ymm4
  1864:	vaddps	%ymm4, %ymm5, %ymm4
  1868:	vmulps	%ymm8, %ymm11, %ymm5
  186d:	vaddps	%ymm4, %ymm5, %ymm4
  1871:	vmulps	%ymm7, %ymm15, %ymm5
  1875:	vaddps	%ymm4, %ymm5, %ymm4
  1879:	vmulps	%ymm9, %ymm13, %ymm5
  187e:	vmovaps	448(%rsp), %ymm13
  1887:	vmovaps	4928(%rsp), %ymm9
  1890:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1896:	vmulps	%ymm0, %ymm10, %ymm4
  189a:	vmovaps	4832(%rsp), %ymm10
  18a3:	vmovaps	%ymm6, 1504(%rsp)
  18ac:	vmovaps	1536(%rsp), %ymm6
  18b5:	vaddps	%ymm4, %ymm6, %ymm4
  18b9:	vaddps	%ymm4, %ymm5, %ymm4
  18bd:	vmulps	%ymm8, %ymm13, %ymm5
  18c2:	vmovaps	4992(%rsp), %ymm8
  18cb:	vaddps	%ymm4, %ymm5, %ymm4
  18cf:	vmulps	2176(%rsp), %ymm7, %ymm5
  18d8:	vmovaps	5024(%rsp), %ymm7
  18e1:	vaddps	%ymm4, %ymm5, %ymm4
  18e5:	vmulps	%ymm1, %ymm9, %ymm5
  18e9:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  18ef:	vmulps	2464(%rsp), %ymm10, %ymm4
  18f8:	vmovaps	%ymm6, 1536(%rsp)
  1901:	vmovaps	1568(%rsp), %ymm6
  190a:	vaddps	%ymm4, %ymm6, %ymm4
  190e:	vaddps	%ymm4, %ymm5, %ymm4
  1912:	vmulps	384(%rsp), %ymm8, %ymm5
  191b:	vaddps	%ymm4, %ymm5, %ymm4
  191f:	vmulps	288(%rsp), %ymm7, %ymm5
  1928:	vaddps	%ymm4, %ymm5, %ymm4
  192c:	vmulps	%ymm2, %ymm9, %ymm5
  1930:	vmovaps	2176(%rsp), %ymm2
  1939:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  193f:	vmulps	352(%rsp), %ymm10, %ymm4
  1948:	vmovaps	%ymm6, 1568(%rsp)
  1951:	vmovaps	1600(%rsp), %ymm6
  195a:	vaddps	%ymm4, %ymm6, %ymm4
  195e:	vaddps	%ymm4, %ymm5, %ymm4
  1962:	vmulps	%ymm8, %ymm14, %ymm5
  1967:	vaddps	%ymm4, %ymm5, %ymm4
  196b:	vmulps	2368(%rsp), %ymm7, %ymm5
  1974:	vaddps	%ymm4, %ymm5, %ymm4
  1978:	vmulps	%ymm3, %ymm9, %ymm5
  197c:	vmovaps	2464(%rsp), %ymm3
  1985:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  198b:	vmulps	2208(%rsp), %ymm10, %ymm4
  1994:	vmovaps	%ymm6, 1600(%rsp)
  199d:	vmovaps	1632(%rsp), %ymm6
  19a6:	vaddps	%ymm4, %ymm6, %ymm4
  19aa:	vaddps	%ymm4, %ymm5, %ymm4
  19ae:	vmulps	%ymm8, %ymm11, %ymm5
  19b3:	vmovaps	288(%rsp), %ymm11
  19bc:	vaddps	%ymm4, %ymm5, %ymm4
  19c0:	vmulps	%ymm7, %ymm15, %ymm5
  19c4:	vmovaps	64(%rsp), %ymm15
  19ca:	vaddps	%ymm4, %ymm5, %ymm4
  19ce:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  19d4:	vmulps	%ymm0, %ymm10, %ymm4
  19d8:	vmovaps	5184(%rsp), %ymm10
  19e1:	vmovaps	352(%rsp), %ymm0
  19ea:	vmovaps	%ymm6, 1632(%rsp)
  19f3:	vmovaps	1664(%rsp), %ymm6
  19fc:	vmulps	%ymm9, %ymm15, %ymm5
  1a01:	vmovaps	5216(%rsp), %ymm9
  1a0a:	vaddps	%ymm4, %ymm6, %ymm4
  1a0e:	vaddps	%ymm4, %ymm5, %ymm4
  1a12:	vmulps	%ymm8, %ymm13, %ymm5
  1a17:	vmovaps	5248(%rsp), %ymm8
  1a20:	vmovaps	2368(%rsp), %ymm13
  1a29:	vaddps	%ymm4, %ymm5, %ymm4
  1a2d:	vmulps	%ymm7, %ymm2, %ymm5
  1a31:	vmovaps	5280(%rsp), %ymm7
  1a3a:	vaddps	%ymm4, %ymm5, %ymm4
  1a3e:	vmulps	%ymm1, %ymm9, %ymm5
  1a42:	vmovaps	384(%rsp), %ymm1
  1a4b:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1a51:	vmulps	%ymm3, %ymm10, %ymm4
  1a55:	vmovaps	%ymm6, 1664(%rsp)
  1a5e:	vmovaps	1696(%rsp), %ymm6
  1a67:	vaddps	%ymm4, %ymm6, %ymm4
  1a6b:	vaddps	%ymm4, %ymm5, %ymm4
  1a6f:	vmulps	%ymm1, %ymm8, %ymm5
  1a73:	vaddps	%ymm4, %ymm5, %ymm4
  1a77:	vmulps	%ymm7, %ymm11, %ymm5
  1a7b:	vaddps	%ymm4, %ymm5, %ymm4
  1a7f:	vmulps	2304(%rsp), %ymm9, %ymm5
  1a88:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1a8e:	vmulps	%ymm0, %ymm10, %ymm4
  1a92:	vmovaps	%ymm6, 1696(%rsp)
  1a9b:	vmovaps	1728(%rsp), %ymm6
  1aa4:	vaddps	%ymm4, %ymm6, %ymm4
  1aa8:	vaddps	%ymm4, %ymm5, %ymm4
  1aac:	vmulps	%ymm8, %ymm14, %ymm5
  1ab1:	vmovaps	448(%rsp), %ymm14
  1aba:	vaddps	%ymm4, %ymm5, %ymm4
  1abe:	vmulps	%ymm7, %ymm13, %ymm5
  1ac2:	vaddps	%ymm4, %ymm5, %ymm4
  1ac6:	vmulps	2272(%rsp), %ymm9, %ymm5
  1acf:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1ad5:	vmulps	2208(%rsp), %ymm10, %ymm4
  1ade:	vmovaps	%ymm6, 1728(%rsp)
  1ae7:	vmovaps	1760(%rsp), %ymm6
  1af0:	vaddps	%ymm4, %ymm6, %ymm4
  1af4:	vaddps	%ymm4, %ymm5, %ymm4
  1af8:	vmulps	416(%rsp), %ymm8, %ymm5
  1b01:	vaddps	%ymm4, %ymm5, %ymm4
  1b05:	vmulps	2240(%rsp), %ymm7, %ymm5
  1b0e:	vaddps	%ymm4, %ymm5, %ymm4
  1b12:	vmulps	%ymm9, %ymm15, %ymm5
  1b17:	vmovaps	5088(%rsp), %ymm9
  1b20:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1b26:	vmulps	320(%rsp), %ymm10, %ymm4
  1b2f:	vmovaps	5056(%rsp), %ymm10
  1b38:	vmovaps	%ymm6, 1760(%rsp)
  1b41:	vmovaps	1792(%rsp), %ymm6
  1b4a:	vaddps	%ymm4, %ymm6, %ymm4
  1b4e:	vaddps	%ymm4, %ymm5, %ymm4
  1b52:	vmulps	%ymm8, %ymm14, %ymm5
  1b57:	vmovaps	5120(%rsp), %ymm8
  1b60:	vaddps	%ymm4, %ymm5, %ymm4
  1b64:	vmulps	%ymm7, %ymm2, %ymm5
  1b68:	vmovaps	5152(%rsp), %ymm7
  1b71:	vmovaps	2304(%rsp), %ymm2
  1b7a:	vaddps	%ymm4, %ymm5, %ymm4
  1b7e:	vmulps	2400(%rsp), %ymm9, %ymm5
  1b87:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1b8d:	vmulps	%ymm3, %ymm10, %ymm4
  1b91:	vmovaps	2272(%rsp), %ymm3
  1b9a:	vmovaps	%ymm6, 1792(%rsp)
  1ba3:	vmovaps	1824(%rsp), %ymm6
  1bac:	vaddps	%ymm4, %ymm6, %ymm4
  1bb0:	vaddps	%ymm4, %ymm5, %ymm4
  1bb4:	vmulps	%ymm1, %ymm8, %ymm5
  1bb8:	vmovaps	2240(%rsp), %ymm1
  1bc1:	vaddps	%ymm4, %ymm5, %ymm4
  1bc5:	vmulps	%ymm7, %ymm11, %ymm5
  1bc9:	vmovaps	416(%rsp), %ymm11
  1bd2:	vaddps	%ymm4, %ymm5, %ymm4
  1bd6:	vmulps	%ymm2, %ymm9, %ymm5
  1bda:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1be0:	vmulps	%ymm0, %ymm10, %ymm4
  1be4:	vmovaps	2208(%rsp), %ymm0
  1bed:	vmovaps	%ymm6, 1824(%rsp)
  1bf6:	vmovaps	1856(%rsp), %ymm6
  1bff:	vaddps	%ymm4, %ymm6, %ymm4
  1c03:	vaddps	%ymm4, %ymm5, %ymm4
  1c07:	vmulps	2336(%rsp), %ymm8, %ymm5
  1c10:	vaddps	%ymm4, %ymm5, %ymm4
  1c14:	vmulps	%ymm7, %ymm13, %ymm5
  1c18:	vmovaps	320(%rsp), %ymm13
  1c21:	vaddps	%ymm4, %ymm5, %ymm4
  1c25:	vmulps	%ymm3, %ymm9, %ymm5
  1c29:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1c2f:	vmulps	%ymm0, %ymm10, %ymm4
  1c33:	vmovaps	%ymm6, 1856(%rsp)
  1c3c:	vmovaps	1888(%rsp), %ymm6
  1c45:	vaddps	%ymm4, %ymm6, %ymm4
  1c49:	vaddps	%ymm4, %ymm5, %ymm4
  1c4d:	vmulps	%ymm8, %ymm11, %ymm5
  1c52:	vaddps	%ymm4, %ymm5, %ymm4
  1c56:	vmulps	%ymm7, %ymm1, %ymm5
  1c5a:	vaddps	%ymm4, %ymm5, %ymm4
  1c5e:	vmulps	%ymm9, %ymm15, %ymm5
  1c63:	vmovaps	5344(%rsp), %ymm9
  1c6c:	vmovaps	2400(%rsp), %ymm15
  1c75:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1c7b:	vmulps	%ymm10, %ymm13, %ymm4
  1c80:	vmovaps	5312(%rsp), %ymm10
  1c89:	vmovaps	%ymm6, 1888(%rsp)
  1c92:	vmovaps	1920(%rsp), %ymm6
  1c9b:	vaddps	%ymm4, %ymm6, %ymm4
  1c9f:	vaddps	%ymm4, %ymm5, %ymm4
  1ca3:	vmulps	%ymm8, %ymm14, %ymm5
  1ca8:	vmovaps	2176(%rsp), %ymm14
  1cb1:	vmovaps	5376(%rsp), %ymm8
  1cba:	vaddps	%ymm4, %ymm5, %ymm4
  1cbe:	vmulps	%ymm7, %ymm14, %ymm5
  1cc2:	vmovaps	5408(%rsp), %ymm7
  1ccb:	vaddps	%ymm4, %ymm5, %ymm4
  1ccf:	vmulps	%ymm8, %ymm15, %ymm5
  1cd4:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1cda:	vmulps	2464(%rsp), %ymm9, %ymm4
  1ce3:	vmovaps	%ymm6, 1920(%rsp)
  1cec:	vmovaps	1952(%rsp), %ymm6
  1cf5:	vaddps	%ymm4, %ymm6, %ymm4
  1cf9:	vaddps	%ymm4, %ymm5, %ymm4
  1cfd:	vmulps	384(%rsp), %ymm7, %ymm5
  1d06:	vaddps	%ymm4, %ymm5, %ymm4
  1d0a:	vmulps	288(%rsp), %ymm10, %ymm5
  1d13:	vaddps	%ymm4, %ymm5, %ymm4
  1d17:	vmulps	%ymm2, %ymm8, %ymm5
  1d1b:	vmovaps	2336(%rsp), %ymm2
  1d24:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1d2a:	vmulps	352(%rsp), %ymm9, %ymm4
  1d33:	vmovaps	%ymm6, 1952(%rsp)
  1d3c:	vmovaps	1984(%rsp), %ymm6
  1d45:	vaddps	%ymm4, %ymm6, %ymm4
  1d49:	vaddps	%ymm4, %ymm5, %ymm4
  1d4d:	vmulps	%ymm7, %ymm2, %ymm5
  1d51:	vaddps	%ymm4, %ymm5, %ymm4
  1d55:	vmulps	2368(%rsp), %ymm10, %ymm5
  1d5e:	vaddps	%ymm4, %ymm5, %ymm4
  1d62:	vmulps	%ymm3, %ymm8, %ymm5
  1d66:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1d6c:	vmulps	%ymm0, %ymm9, %ymm4
  1d70:	vmovaps	%ymm3, %ymm0
  1d74:	vmovaps	448(%rsp), %ymm3
  1d7d:	vmovaps	%ymm6, 1984(%rsp)
  1d86:	vmovaps	2016(%rsp), %ymm6
  1d8f:	vaddps	%ymm4, %ymm6, %ymm4
  1d93:	vaddps	%ymm4, %ymm5, %ymm4
  1d97:	vmulps	%ymm7, %ymm11, %ymm5
  1d9b:	vaddps	%ymm4, %ymm5, %ymm4
  1d9f:	vmulps	%ymm1, %ymm10, %ymm5
  1da3:	vmovaps	64(%rsp), %ymm1
  1da9:	vaddps	%ymm4, %ymm5, %ymm4
  1dad:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1db3:	vmulps	%ymm9, %ymm13, %ymm4
  1db8:	vmovaps	5472(%rsp), %ymm9
  1dc1:	vmovaps	%ymm14, %ymm13
  1dc6:	vmovaps	%ymm6, 2016(%rsp)
  1dcf:	vmovaps	2048(%rsp), %ymm6
  1dd8:	vmulps	%ymm1, %ymm8, %ymm5
  1ddc:	vmovaps	5504(%rsp), %ymm8
  1de5:	vmulps	%ymm1, %ymm9, %ymm1
  1de9:	vaddps	%ymm4, %ymm6, %ymm4
  1ded:	vaddps	%ymm4, %ymm5, %ymm4
  1df1:	vmulps	%ymm7, %ymm3, %ymm5
  1df5:	vmovaps	5536(%rsp), %ymm7
  1dfe:	vaddps	%ymm4, %ymm5, %ymm4
  1e02:	vmulps	%ymm10, %ymm14, %ymm5
  1e07:	vmovaps	5440(%rsp), %ymm10
  1e10:	vmovaps	5696(%rsp), %ymm14
  1e19:	vaddps	%ymm4, %ymm5, %ymm4
  1e1d:	vmulps	%ymm9, %ymm15, %ymm5
  1e22:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1e28:	vmulps	2464(%rsp), %ymm10, %ymm4
  1e31:	vmovaps	%ymm6, 2048(%rsp)
  1e3a:	vmovaps	2080(%rsp), %ymm6
  1e43:	vaddps	%ymm4, %ymm6, %ymm4
  1e47:	vaddps	%ymm4, %ymm5, %ymm4
  1e4b:	vmulps	384(%rsp), %ymm8, %ymm5
  1e54:	vaddps	%ymm4, %ymm5, %ymm4
  1e58:	vmulps	288(%rsp), %ymm7, %ymm5
  1e61:	vaddps	%ymm4, %ymm5, %ymm4
  1e65:	vmulps	2304(%rsp), %ymm9, %ymm5
  1e6e:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1e74:	vmulps	352(%rsp), %ymm10, %ymm4
  1e7d:	vmovaps	%ymm6, 2080(%rsp)
  1e86:	vmovaps	2112(%rsp), %ymm6
  1e8f:	vaddps	%ymm4, %ymm6, %ymm4
  1e93:	vaddps	%ymm4, %ymm5, %ymm4
  1e97:	vmulps	%ymm2, %ymm8, %ymm5
  1e9b:	vmovdqa	2432(%rsp), %ymm2
  1ea4:	vaddps	%ymm4, %ymm5, %ymm4
  1ea8:	vmulps	2368(%rsp), %ymm7, %ymm5
  1eb1:	vaddps	%ymm4, %ymm5, %ymm4
  1eb5:	vmulps	%ymm0, %ymm9, %ymm5
  1eb9:	vmulps	320(%rsp), %ymm10, %ymm0
  1ec2:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1ec8:	vmulps	2208(%rsp), %ymm10, %ymm4
  1ed1:	vmovaps	%ymm6, 2112(%rsp)
  1eda:	vmovaps	2144(%rsp), %ymm6
  1ee3:	vaddps	%ymm0, %ymm14, %ymm0
  1ee7:	vaddps	%ymm4, %ymm6, %ymm4
  1eeb:	vaddps	%ymm0, %ymm1, %ymm0
  1eef:	vmulps	%ymm3, %ymm8, %ymm1
  1ef3:	vmovdqa	5632(%rsp), %ymm3
  1efc:	vaddps	%ymm4, %ymm5, %ymm4
  1f00:	vmulps	%ymm8, %ymm11, %ymm5
  1f05:	vaddps	%ymm0, %ymm1, %ymm0
  1f09:	vmulps	%ymm7, %ymm13, %ymm1
  1f0d:	vaddps	%ymm4, %ymm5, %ymm4
  1f11:	vmulps	2240(%rsp), %ymm7, %ymm5
  1f1a:	vaddps	%ymm0, %ymm1, %ymm0
  1f1e:	vpcmpeqd	%ymm1, %ymm1, %ymm1
  1f22:	vblendvps	%ymm12, %ymm0, %ymm14, %ymm14
  1f28:	vaddps	%ymm4, %ymm5, %ymm4
  1f2c:	vmovaps	5568(%rsp), %ymm5
  1f35:	vblendvps	%ymm12, %ymm4, %ymm6, %ymm6
  1f3b:	vmovdqa	5600(%rsp), %ymm4
  1f44:	vmovaps	%ymm6, 2144(%rsp)
  1f4d:	vpaddd	%ymm1, %ymm4, %ymm0
  1f51:	vpsubd	%ymm1, %ymm2, %ymm1
  1f55:	vblendvps	%ymm12, %ymm1, %ymm2, %ymm2
  1f5b:	vmovaps	%ymm2, 2432(%rsp)
  1f64:	vxorps	%xmm2, %xmm2, %xmm2
  1f68:	vpcmpeqd	%ymm2, %ymm4, %ymm1
  1f6c:	vblendvps	%ymm12, %ymm0, %ymm4, %ymm4
  1f72:	vpaddd	%ymm1, %ymm3, %ymm1
  1f76:	vpmaxud	%ymm1, %ymm0, %ymm0
  1f7b:	vblendvps	%ymm12, %ymm1, %ymm3, %ymm3
  1f81:	vblendvps	%ymm12, %ymm0, %ymm5, %ymm0
  1f87:	testb	%bl, %bl
  1f89:	je	2356
  1f8f:	vmovdqa	%ymm4, 5600(%rsp)
  1f98:	vmovdqa	2432(%rsp), %ymm4
  1fa1:	vmovdqa	%ymm0, 5568(%rsp)
  1faa:	vpcmpeqd	%ymm2, %ymm0, %ymm0
  1fae:	vmovdqa	%ymm3, 5632(%rsp)
  1fb7:	vmovaps	%ymm14, 5696(%rsp)
  1fc0:	vpmaxud	3712(%rsp), %ymm4, %ymm1
  1fca:	vpcmpeqd	%ymm1, %ymm4, %ymm1
  1fce:	vpor	%ymm1, %ymm0, %ymm0
  1fd2:	vpandn	%ymm12, %ymm0, %ymm12
  1fd7:	vmovdqa	3744(%rsp), %ymm0
  1fe0:	vmovdqa	%ymm12, 5664(%rsp)
  1fe9:	vpsrld	$2, %ymm0, %ymm1
  1fee:	vpand	(%rsp), %ymm12, %ymm0
  1ff3:	vmovdqa	%ymm1, 64(%rsp)
  1ff9:	vpcmpeqd	%ymm2, %ymm0, %ymm0
  1ffd:	vmovmskps	%ymm0, %ebx
  2001:	vpxor	%xmm0, %xmm0, %xmm0
  2005:	vmovdqa	%ymm0, 2912(%rsp)
  200e:	vpxor	%xmm0, %xmm0, %xmm0
  2012:	vmovdqa	%ymm0, 2880(%rsp)
  201b:	vpxor	%xmm0, %xmm0, %xmm0
  201f:	vmovdqa	%ymm0, 2848(%rsp)
  2028:	vpxor	%xmm0, %xmm0, %xmm0
  202c:	vmovdqa	%ymm0, 2816(%rsp)
  2035:	xorl	$255, %ebx
  203b:	je	92
  203d:	movq	(%r15), %rdi
  2040:	vpmulld	3520(%rsp), %ymm1, %ymm0
  204a:	vpbroadcastd	(%r14), %ymm2
  204f:	vpaddd	2432(%rsp), %ymm0, %ymm0
  2058:	movq	760(%rdi), %rax
  205f:	addq	$512, %rdi
  2066:	movq	40(%rax), %rax
  206a:	vpsrld	$10, %ymm0, %ymm1
  206f:	vpand	%ymm2, %ymm0, %ymm0
  2073:	callq	*(%rax)
  2075:	vmovdqa	%ymm0, 2816(%rsp)
  207e:	vmovdqa	%ymm1, 2848(%rsp)
  2087:	vmovdqa	%ymm2, 2880(%rsp)
  2090:	vmovdqa	%ymm3, 2912(%rsp)
  2099:	vpxor	%xmm0, %xmm0, %xmm0
  209d:	vmovdqa	%ymm0, 288(%rsp)
  20a6:	vpxor	%xmm0, %xmm0, %xmm0
  20aa:	vmovdqa	%ymm0, 3040(%rsp)
  20b3:	vpxor	%xmm0, %xmm0, %xmm0
  20b7:	vmovdqa	%ymm0, 3008(%rsp)
  20c0:	vpxor	%xmm0, %xmm0, %xmm0
  20c4:	vmovdqa	%ymm0, 2976(%rsp)
  20cd:	vpxor	%xmm0, %xmm0, %xmm0
  20d1:	vmovdqa	%ymm0, 2944(%rsp)
  20da:	testb	%bl, %bl
  20dc:	je	98
  20de:	movq	(%r15), %rdi
  20e1:	vmovdqa	64(%rsp), %ymm0
  20e7:	vpbroadcastd	(%r14), %ymm2
  20ec:	vpmulld	3488(%rsp), %ymm0, %ymm0
  20f6:	vpaddd	2432(%rsp), %ymm0, %ymm0
  20ff:	movq	760(%rdi), %rax
  2106:	addq	$512, %rdi
  210d:	movq	40(%rax), %rax
  2111:	vpsrld	$10, %ymm0, %ymm1
  2116:	vpand	%ymm2, %ymm0, %ymm0
  211a:	callq	*(%rax)
  211c:	vmovdqa	%ymm0, 2944(%rsp)
  2125:	vmovdqa	%ymm1, 2976(%rsp)
  212e:	vmovdqa	%ymm2, 3008(%rsp)
  2137:	vmovdqa	%ymm3, 3040(%rsp)
  2140:	vpxor	%xmm2, %xmm2, %xmm2
  2144:	vpxor	%xmm1, %xmm1, %xmm1
  2148:	vpxor	%xmm0, %xmm0, %xmm0
  214c:	testb	%bl, %bl
  214e:	je	71
  2150:	movq	(%r15), %rdi
  2153:	vmovdqa	64(%rsp), %ymm0
  2159:	vpbroadcastd	(%r14), %ymm2
  215e:	vpmulld	3456(%rsp), %ymm0, %ymm0
  2168:	vpaddd	2432(%rsp), %ymm0, %ymm0
  2171:	movq	1016(%rdi), %rax
  2178:	addq	$768, %rdi
  217f:	movq	40(%rax), %rax
  2183:	vpsrld	$10, %ymm0, %ymm1
  2188:	vpand	%ymm2, %ymm0, %ymm0
  218c:	callq	*(%rax)
  218e:	vmovdqa	%ymm3, 288(%rsp)
  2197:	vmovdqa	%ymm0, 2464(%rsp)
  21a0:	vmovdqa	%ymm1, 2400(%rsp)
  21a9:	vmovdqa	%ymm2, 384(%rsp)
  21b2:	vpxor	%xmm0, %xmm0, %xmm0
  21b6:	vmovdqa	%ymm0, 416(%rsp)
  21bf:	vpxor	%xmm3, %xmm3, %xmm3
  21c3:	vpxor	%xmm2, %xmm2, %xmm2
  21c7:	vpxor	%xmm1, %xmm1, %xmm1
  21cb:	vpxor	%xmm0, %xmm0, %xmm0
  21cf:	testb	%bl, %bl
  21d1:	je	62
  21d3:	movq	(%r15), %rdi
  21d6:	vmovdqa	64(%rsp), %ymm0
  21dc:	vpbroadcastd	(%r14), %ymm2
  21e1:	vpmulld	3424(%rsp), %ymm0, %ymm0
  21eb:	vpaddd	2432(%rsp), %ymm0, %ymm0
  21f4:	movq	1016(%rdi), %rax
  21fb:	addq	$768, %rdi
  2202:	movq	40(%rax), %rax
  2206:	vpsrld	$10, %ymm0, %ymm1
  220b:	vpand	%ymm2, %ymm0, %ymm0
  220f:	callq	*(%rax)
  2211:	vmovdqa	%ymm0, 352(%rsp)
  221a:	vmovdqa	%ymm1, 2304(%rsp)
  2223:	vmovdqa	%ymm3, 2368(%rsp)
  222c:	vmovdqa	%ymm2, 2336(%rsp)
  2235:	vpxor	%xmm1, %xmm1, %xmm1
  2239:	vpxor	%xmm0, %xmm0, %xmm0
  223d:	vpxor	%xmm3, %xmm3, %xmm3
  2241:	testb	%bl, %bl
  2243:	je	71
  2245:	movq	(%r15), %rdi
  2248:	vmovdqa	64(%rsp), %ymm0
  224e:	vpbroadcastd	(%r14), %ymm2
  2253:	vpmulld	3392(%rsp), %ymm0, %ymm0
  225d:	vpaddd	2432(%rsp), %ymm0, %ymm0
  2266:	movq	1016(%rdi), %rax
  226d:	addq	$768, %rdi
  2274:	movq	40(%rax), %rax
  2278:	vpsrld	$10, %ymm0, %ymm1
  227d:	vpand	%ymm2, %ymm0, %ymm0
  2281:	callq	*(%rax)
  2283:	vmovdqa	%ymm2, 416(%rsp)
  228c:	vmovaps	2816(%rsp), %ymm7
  2295:	vmovaps	2848(%rsp), %ymm11
  229e:	vmovaps	2880(%rsp), %ymm10
  22a7:	vmovaps	2912(%rsp), %ymm9
  22b0:	vmovdqa	3072(%rsp), %ymm6
  22b9:	vmovdqa	%ymm0, 2208(%rsp)
  22c2:	vmovdqa	%ymm1, 2272(%rsp)
  22cb:	vmovdqa	%ymm3, 2240(%rsp)
  22d4:	vmovaps	2944(%rsp), %ymm12
  22dd:	vmovaps	2976(%rsp), %ymm15
  22e6:	vmovaps	3008(%rsp), %ymm14
  22ef:	vmovaps	3040(%rsp), %ymm13
  22f8:	vmovaps	3584(%rsp), %ymm8
  2301:	vmovshdup	%xmm7, %xmm0
  2305:	vbroadcastsd	%xmm0, %ymm1
  230a:	vmovshdup	%xmm11, %xmm0
  230f:	vbroadcastsd	%xmm0, %ymm2
  2314:	vmovshdup	%xmm10, %xmm0
  2319:	vbroadcastsd	%xmm0, %ymm3
  231e:	vmovshdup	%xmm9, %xmm0
  2323:	vbroadcastsd	%xmm0, %ymm4
  2328:	vxorps	%xmm0, %xmm0, %xmm0
  232c:	vpcmpeqd	%ymm0, %ymm6, %ymm0
  2330:	vpandn	%ymm1, %ymm0, %ymm1
  2334:	vmovdqa	%ymm1, 4032(%rsp)
  233d:	vpandn	%ymm2, %ymm0, %ymm1
  2341:	vmovdqa	%ymm1, 4064(%rsp)
  234a:	vpandn	%ymm3, %ymm0, %ymm1
  234e:	vmovdqa	%ymm1, 4096(%rsp)
  2357:	vpandn	%ymm4, %ymm0, %ymm1
  235b:	vmovdqa	%ymm1, 4128(%rsp)
  2364:	vextractf128	$1, %ymm7, %xmm1
  236a:	vbroadcastss	%xmm1, %ymm2
  236f:	vextractf128	$1, %ymm11, %xmm1
  2375:	vbroadcastss	%xmm1, %ymm3
  237a:	vextractf128	$1, %ymm10, %xmm1
  2380:	vbroadcastss	%xmm1, %ymm4
  2385:	vextractf128	$1, %ymm9, %xmm1
  238b:	vbroadcastss	%xmm1, %ymm5
  2390:	vpminud	3104(%rsp), %ymm6, %ymm1
  239a:	vpcmpeqd	%ymm1, %ymm6, %ymm1
  239e:	vmovaps	3648(%rsp), %ymm6
  23a7:	vpandn	%ymm2, %ymm1, %ymm2
  23ab:	vmovdqa	%ymm2, 4416(%rsp)
  23b4:	vpandn	%ymm3, %ymm1, %ymm2
  23b8:	vmovshdup	%xmm15, %xmm3
  23bd:	vmovdqa	%ymm2, 4480(%rsp)
  23c6:	vpandn	%ymm4, %ymm1, %ymm2
  23ca:	vmovshdup	%xmm14, %xmm4
  23cf:	vbroadcastsd	%xmm3, %ymm3
  23d4:	vmovdqa	%ymm2, 4512(%rsp)
  23dd:	vpandn	%ymm5, %ymm1, %ymm2
  23e1:	vmovshdup	%xmm13, %xmm5
  23e6:	vbroadcastsd	%xmm4, %ymm4
  23eb:	vmovdqa	%ymm2, 4576(%rsp)
  23f4:	vmovshdup	%xmm12, %xmm2
  23f9:	vbroadcastsd	%xmm5, %ymm5
  23fe:	vbroadcastsd	%xmm2, %ymm2
  2403:	vpandn	%ymm2, %ymm0, %ymm2
  2407:	vmovdqa	%ymm2, 4800(%rsp)
  2410:	vpandn	%ymm3, %ymm0, %ymm2
  2414:	vextractf128	$1, %ymm14, %xmm3
  241a:	vmovdqa	%ymm2, 4864(%rsp)
  2423:	vpandn	%ymm4, %ymm0, %ymm2
  2427:	vpandn	%ymm5, %ymm0, %ymm0
  242b:	vextractf128	$1, %ymm13, %xmm4
  2431:	vmovaps	3680(%rsp), %ymm5
  243a:	vmovdqa	%ymm0, 4960(%rsp)
  2443:	vextractf128	$1, %ymm12, %xmm0
  2449:	vmovdqa	%ymm2, 4896(%rsp)
  2452:	vextractf128	$1, %ymm15, %xmm2
  2458:	vbroadcastss	%xmm3, %ymm3
  245d:	vbroadcastss	%xmm4, %ymm4
  2462:	vbroadcastss	%xmm0, %ymm0
  2467:	vbroadcastss	%xmm2, %ymm2
  246c:	vpandn	%ymm0, %ymm1, %ymm0
  2470:	vmovdqa	%ymm0, 5184(%rsp)
  2479:	vpandn	%ymm2, %ymm1, %ymm0
  247d:	vpermilps	$250, %xmm10, %xmm2
  2483:	vmovdqa	%ymm0, 5216(%rsp)
  248c:	vpandn	%ymm3, %ymm1, %ymm0
  2490:	vpermilps	$250, %xmm9, %xmm3
  2496:	vbroadcastsd	%xmm2, %ymm2
  249b:	vmovdqa	%ymm0, 5248(%rsp)
  24a4:	vpandn	%ymm4, %ymm1, %ymm0
  24a8:	vmovaps	%ymm7, %ymm4
  24ac:	vpermilps	$250, %xmm11, %xmm1
  24b2:	vbroadcastsd	%xmm3, %ymm3
  24b7:	vmovdqa	%ymm0, 5280(%rsp)
  24c0:	vpermilps	$250, %xmm4, %xmm0
  24c6:	vbroadcastsd	%xmm1, %ymm1
  24cb:	vbroadcastsd	%xmm0, %ymm0
  24d0:	vandnps	%ymm0, %ymm5, %ymm0
  24d4:	vmovaps	%ymm0, 3776(%rsp)
  24dd:	vandnps	%ymm1, %ymm5, %ymm0
  24e1:	vpermilps	$255, %xmm11, %xmm1
  24e7:	vmovaps	%ymm0, 3808(%rsp)
  24f0:	vandnps	%ymm2, %ymm5, %ymm0
  24f4:	vpermilps	$255, %xmm10, %xmm2
  24fa:	vbroadcastsd	%xmm1, %ymm1
  24ff:	vmovaps	%ymm0, 3840(%rsp)
  2508:	vandnps	%ymm3, %ymm5, %ymm0
  250c:	vpermilps	$255, %xmm9, %xmm3
  2512:	vbroadcastsd	%xmm2, %ymm2
  2517:	vmovaps	%ymm0, 3872(%rsp)
  2520:	vpermilps	$255, %xmm4, %xmm0
  2526:	vbroadcastsd	%xmm3, %ymm3
  252b:	vbroadcastsd	%xmm0, %ymm0
  2530:	vandnps	%ymm0, %ymm6, %ymm0
  2534:	vmovaps	%ymm0, 3904(%rsp)
  253d:	vandnps	%ymm1, %ymm6, %ymm0
  2541:	vmovshdup	%ymm11, %ymm1
  2546:	vmovaps	%ymm0, 3936(%rsp)
  254f:	vandnps	%ymm2, %ymm6, %ymm0
  2553:	vmovshdup	%ymm10, %ymm2
  2558:	vpermpd	$170, %ymm1, %ymm1
  255e:	vmovaps	%ymm0, 3968(%rsp)
  2567:	vandnps	%ymm3, %ymm6, %ymm0
  256b:	vmovshdup	%ymm9, %ymm3
  2570:	vpermpd	$170, %ymm2, %ymm2
  2576:	vmovaps	%ymm0, 4000(%rsp)
  257f:	vmovshdup	%ymm7, %ymm0
  2583:	vmovaps	3616(%rsp), %ymm7
  258c:	vpermpd	$170, %ymm3, %ymm3
  2592:	vpermpd	$170, %ymm0, %ymm0
  2598:	vandnps	%ymm0, %ymm7, %ymm0
  259c:	vmovaps	%ymm0, 4160(%rsp)
  25a5:	vandnps	%ymm1, %ymm7, %ymm0
  25a9:	vpermilps	$170, %ymm11, %ymm1
  25af:	vmovaps	%ymm0, 4192(%rsp)
  25b8:	vandnps	%ymm2, %ymm7, %ymm0
  25bc:	vpermilps	$170, %ymm10, %ymm2
  25c2:	vpermpd	$170, %ymm1, %ymm1
  25c8:	vmovaps	%ymm0, 4224(%rsp)
  25d1:	vandnps	%ymm3, %ymm7, %ymm0
  25d5:	vpermpd	$170, %ymm2, %ymm2
  25db:	vpermilps	$170, %ymm9, %ymm3
  25e1:	vmovaps	%ymm0, 4256(%rsp)
  25ea:	vpermilps	$170, %ymm4, %ymm0
  25f0:	vpermpd	$170, %ymm3, %ymm3
  25f6:	vpermpd	$170, %ymm0, %ymm0
  25fc:	vandnps	%ymm3, %ymm8, %ymm3
  2600:	vandnps	%ymm0, %ymm8, %ymm0
  2604:	vmovaps	%ymm3, 4320(%rsp)
  260d:	vpermilps	$250, %xmm13, %xmm3
  2613:	vmovaps	%ymm0, 4288(%rsp)
  261c:	vandnps	%ymm1, %ymm8, %ymm0
  2620:	vpermilps	$255, %ymm11, %ymm1
  2626:	vbroadcastsd	%xmm3, %ymm3
  262b:	vmovaps	%ymm0, 4352(%rsp)
  2634:	vandnps	%ymm2, %ymm8, %ymm0
  2638:	vpermpd	$170, %ymm1, %ymm1
  263e:	vpermilps	$255, %ymm10, %ymm2
  2644:	vmovaps	%ymm0, 4384(%rsp)
  264d:	vpermilps	$255, %ymm4, %ymm0
  2653:	vpermilps	$255, %ymm9, %ymm4
  2659:	vmovaps	3552(%rsp), %ymm9
  2662:	vpermpd	$170, %ymm2, %ymm2
  2668:	vpermpd	$170, %ymm0, %ymm0
  266e:	vpermpd	$170, %ymm4, %ymm4
  2674:	vandnps	%ymm0, %ymm9, %ymm0
  2678:	vandnps	%ymm2, %ymm9, %ymm11
  267c:	vpermilps	$250, %xmm14, %xmm2
  2682:	vandnps	%ymm4, %ymm9, %ymm10
  2686:	vpermilps	$255, %ymm13, %ymm4
  268c:	vmovaps	%ymm0, 4448(%rsp)
  2695:	vandnps	%ymm1, %ymm9, %ymm0
  2699:	vpermilps	$250, %xmm15, %xmm1
  269f:	vbroadcastsd	%xmm2, %ymm2
  26a4:	vpermpd	$170, %ymm4, %ymm4
  26aa:	vmovaps	%ymm10, 4640(%rsp)
  26b3:	vmovaps	%ymm11, 4608(%rsp)
  26bc:	vmovaps	%ymm0, 4544(%rsp)
  26c5:	vpermilps	$250, %xmm12, %xmm0
  26cb:	vbroadcastsd	%xmm1, %ymm1
  26d0:	vbroadcastsd	%xmm0, %ymm0
  26d5:	vandnps	%ymm0, %ymm5, %ymm0
  26d9:	vmovaps	%ymm0, 4672(%rsp)
  26e2:	vandnps	%ymm1, %ymm5, %ymm0
  26e6:	vpermilps	$255, %xmm15, %xmm1
  26ec:	vmovaps	%ymm0, 4704(%rsp)
  26f5:	vandnps	%ymm2, %ymm5, %ymm0
  26f9:	vpermilps	$255, %xmm14, %xmm2
  26ff:	vbroadcastsd	%xmm1, %ymm1
  2704:	vmovaps	%ymm0, 4736(%rsp)
  270d:	vandnps	%ymm3, %ymm5, %ymm0
  2711:	vpermilps	$255, %xmm13, %xmm3
  2717:	vbroadcastsd	%xmm2, %ymm2
  271c:	vmovaps	%ymm0, 4768(%rsp)
  2725:	vpermilps	$255, %xmm12, %xmm0
  272b:	vbroadcastsd	%xmm3, %ymm3
  2730:	vbroadcastsd	%xmm0, %ymm0
  2735:	vandnps	%ymm0, %ymm6, %ymm0
  2739:	vmovaps	%ymm0, 4832(%rsp)
  2742:	vandnps	%ymm1, %ymm6, %ymm0
  2746:	vmovshdup	%ymm15, %ymm1
  274b:	vmovaps	%ymm0, 4928(%rsp)
  2754:	vandnps	%ymm2, %ymm6, %ymm0
  2758:	vmovshdup	%ymm14, %ymm2
  275d:	vpermpd	$170, %ymm1, %ymm1
  2763:	vmovaps	%ymm0, 4992(%rsp)
  276c:	vandnps	%ymm3, %ymm6, %ymm0
  2770:	vmovshdup	%ymm13, %ymm3
  2775:	vpermpd	$170, %ymm2, %ymm2
  277b:	vmovaps	%ymm0, 5024(%rsp)
  2784:	vmovshdup	%ymm12, %ymm0
  2789:	vpermpd	$170, %ymm3, %ymm3
  278f:	vpermpd	$170, %ymm0, %ymm0
  2795:	vandnps	%ymm0, %ymm7, %ymm0
  2799:	vmovaps	%ymm0, 5056(%rsp)
  27a2:	vandnps	%ymm1, %ymm7, %ymm0
  27a6:	vpermilps	$170, %ymm15, %ymm1
  27ac:	vmovaps	%ymm0, 5088(%rsp)
  27b5:	vandnps	%ymm2, %ymm7, %ymm0
  27b9:	vpermilps	$170, %ymm14, %ymm2
  27bf:	vpermpd	$170, %ymm1, %ymm1
  27c5:	vmovaps	%ymm0, 5120(%rsp)
  27ce:	vandnps	%ymm3, %ymm7, %ymm0
  27d2:	vpermpd	$170, %ymm2, %ymm2
  27d8:	vpermilps	$170, %ymm13, %ymm3
  27de:	vmovaps	%ymm0, 5152(%rsp)
  27e7:	vpermilps	$170, %ymm12, %ymm0
  27ed:	vpermpd	$170, %ymm3, %ymm3
  27f3:	vpermpd	$170, %ymm0, %ymm0
  27f9:	vandnps	%ymm1, %ymm8, %ymm7
  27fd:	vpermilps	$255, %ymm15, %ymm1
  2803:	vandnps	%ymm2, %ymm8, %ymm6
  2807:	vpermilps	$255, %ymm14, %ymm2
  280d:	vpermpd	$170, %ymm1, %ymm1
  2813:	vmovaps	%ymm7, 5376(%rsp)
  281c:	vpermpd	$170, %ymm2, %ymm2
  2822:	vmovaps	%ymm6, 5408(%rsp)
  282b:	vandnps	%ymm0, %ymm8, %ymm0
  282f:	vandnps	%ymm3, %ymm8, %ymm8
  2833:	vmovaps	%ymm0, 5344(%rsp)
  283c:	vpermilps	$255, %ymm12, %ymm0
  2842:	vmovaps	%ymm8, 5312(%rsp)
  284b:	vpermpd	$170, %ymm0, %ymm0
  2851:	vandnps	%ymm1, %ymm9, %ymm3
  2855:	vandnps	%ymm2, %ymm9, %ymm1
  2859:	vandnps	%ymm4, %ymm9, %ymm2
  285d:	vmovaps	%ymm3, 5472(%rsp)
  2866:	vmovaps	%ymm2, 5536(%rsp)
  286f:	vmovaps	%ymm1, 5504(%rsp)
  2878:	vandnps	%ymm0, %ymm9, %ymm5
  287c:	vmovaps	%ymm5, 5440(%rsp)
  2885:	testb	%bl, %bl
  2887:	jne	-7821
