
image:
     0:	vxorps	%xmm0, %xmm0, %xmm0
     4:	vxorps	%xmm1, %xmm1, %xmm1
     8:	vxorps	%xmm2, %xmm2, %xmm2
     c:	vxorps	%xmm3, %xmm3, %xmm3
    10:	retq



image:
     0:	vpbroadcastd	8(%rdi), %ymm2
     6:	movzwl	12(%rdi), %ecx
     a:	vpbroadcastd	24(%rdi), %ymm4
    10:	movq	(%rdi), %rax
    13:	vmovd	%ecx, %xmm3
    17:	vpbroadcastd	%xmm3, %ymm3
    1c:	vpminud	%ymm0, %ymm2, %ymm5
    21:	vpslld	$4, %ymm0, %ymm0
    26:	vpcmpeqd	%ymm5, %ymm2, %ymm2
    2a:	vpcmpeqd	%ymm5, %ymm5, %ymm5
    2e:	vpxor	%ymm5, %ymm2, %ymm2
    32:	vpminud	%ymm1, %ymm3, %ymm5
    37:	vpmulld	%ymm1, %ymm4, %ymm1
    3c:	vpcmpeqd	%ymm5, %ymm3, %ymm3
    40:	vpandn	%ymm2, %ymm3, %ymm3
    44:	vpaddd	%ymm0, %ymm1, %ymm0
    48:	vpand	%ymm3, %ymm0, %ymm0
    4c:	vextracti128	$1, %ymm0, %xmm2
    52:	vmovd	%xmm0, %ecx
    56:	vpextrd	$1, %xmm0, %esi
    5c:	movslq	%ecx, %rcx
    5f:	vmovdqa	(%rax,%rcx), %xmm1
    64:	vmovd	%xmm2, %ecx
    68:	vpextrd	$1, %xmm2, %edx
    6e:	movslq	%ecx, %rcx
    71:	vinserti128	$1, (%rax,%rcx), %ymm1, %ymm1
    78:	movslq	%esi, %rcx
    7b:	vpextrd	$2, %xmm0, %esi
    81:	vmovdqa	(%rax,%rcx), %xmm4
    86:	movslq	%edx, %rcx
    89:	vpextrd	$2, %xmm2, %edx
    8f:	vinserti128	$1, (%rax,%rcx), %ymm4, %ymm4
    96:	movslq	%esi, %rcx
    99:	vpextrd	$3, %xmm0, %esi
    9f:	vmovdqa	(%rax,%rcx), %xmm5
    a4:	movslq	%edx, %rcx
    a7:	vpextrd	$3, %xmm2, %edx
    ad:	vinserti128	$1, (%rax,%rcx), %ymm5, %ymm5
    b4:	movslq	%esi, %rcx
    b7:	vmovdqa	(%rax,%rcx), %xmm0
    bc:	movslq	%edx, %rcx
    bf:	vinserti128	$1, (%rax,%rcx), %ymm0, %ymm0
    c6:	vpunpckldq	%ymm4, %ymm1, %ymm2
    ca:	vpunpckhdq	%ymm4, %ymm1, %ymm1
    ce:	vpunpckldq	%ymm0, %ymm5, %ymm4
    d2:	vpunpckhdq	%ymm0, %ymm5, %ymm0
    d6:	vpunpcklqdq	%ymm4, %ymm2, %ymm5
    da:	vpunpckhqdq	%ymm4, %ymm2, %ymm2
    de:	vpunpcklqdq	%ymm0, %ymm1, %ymm4
    e2:	vpunpckhqdq	%ymm0, %ymm1, %ymm6
    e6:	vpand	%ymm3, %ymm2, %ymm1
    ea:	vpand	%ymm3, %ymm5, %ymm0
    ee:	vpand	%ymm3, %ymm4, %ymm2
    f2:	vpand	%ymm3, %ymm6, %ymm3
    f6:	retq



cs_co_variant:
     0:	pushq	%rbp
     1:	movq	%rsp, %rbp
     4:	pushq	%r15
     6:	pushq	%r14
     8:	pushq	%r13
     a:	pushq	%r12
     c:	pushq	%rbx
     d:	andq	$-32, %rsp
    11:	subq	$160, %rsp
    18:	movq	136(%rbp), %rbx
    1f:	movl	128(%rbp), %r12d
    26:	movl	104(%rbp), %r13d
    2a:	movl	96(%rbp), %r14d
    2e:	movl	88(%rbp), %eax
    31:	movl	%r9d, 64(%rsp)
    36:	movq	%rsi, 32(%rsp)
    3b:	cmpq	$0, (%rbx)
    3f:	jne	25
    41:	leal	(,%rax,8), %eax
    48:	leal	(%rax,%rax,2), %edi
    4b:	movabsq	$139707954140720, %rax
    55:	callq	*%rax
    57:	movq	%rax, (%rbx)
    5a:	movq	(%rbx), %rdx
    5d:	leal	(,%r12,8), %eax
    65:	leal	1(,%r12,8), %ebx
    6d:	leal	7(,%r12,8), %edi
    75:	leal	6(,%r12,8), %r11d
    7d:	leal	5(,%r12,8), %r10d
    85:	leal	4(,%r12,8), %r9d
    8d:	vpcmpeqd	%ymm5, %ymm5, %ymm5
    91:	leal	(%rax,%rax,2), %ecx
    94:	movslq	%ecx, %rsi
    97:	movabsq	$139708022060336, %rcx
    a1:	movq	%rcx, (%rdx,%rsi)
    a5:	movabsq	$139708022060336, %rcx
    af:	movq	%rsi, 24(%rsp)
    b4:	movq	%rdx, 16(%rsp)
    b9:	movq	%rcx, 8(%rdx,%rsi)
    be:	leal	3(,%r12,8), %esi
    c6:	xorl	%edx, %edx
    c8:	divl	%r13d
    cb:	leal	2(,%r12,8), %ecx
    d3:	movl	%edx, 12(%rsp)
    d7:	xorl	%edx, %edx
    d9:	movl	%esi, %eax
    db:	divl	%r13d
    de:	movl	%ecx, %eax
    e0:	movl	%edx, %r8d
    e3:	xorl	%edx, %edx
    e5:	divl	%r13d
    e8:	movl	%ebx, %eax
    ea:	movl	%edx, %r15d
    ed:	xorl	%edx, %edx
    ef:	divl	%r13d
    f2:	movl	%edi, %eax
    f4:	movl	%edx, %ebx
    f6:	xorl	%edx, %edx
    f8:	divl	%r13d
    fb:	movl	%r11d, %eax
    fe:	movl	%edx, %edi
   100:	xorl	%edx, %edx
   102:	divl	%r13d
   105:	movl	%r10d, %eax
   108:	movl	%edx, %esi
   10a:	xorl	%edx, %edx
   10c:	divl	%r13d
   10f:	movl	%r9d, %eax
   112:	movl	%edx, %ecx
   114:	xorl	%edx, %edx
   116:	divl	%r13d
   119:	vmovd	12(%rsp), %xmm1
   11f:	vmovd	%edx, %xmm0
   123:	vpinsrd	$1, %ecx, %xmm0, %xmm0
   129:	vpinsrd	$2, %esi, %xmm0, %xmm0
   12f:	vpinsrd	$3, %edi, %xmm0, %xmm0
   135:	vpinsrd	$1, %ebx, %xmm1, %xmm1
   13b:	vpinsrd	$2, %r15d, %xmm1, %xmm1
   141:	vpinsrd	$3, %r8d, %xmm1, %xmm1
   147:	vinserti128	$1, %xmm0, %ymm1, %ymm0
   14d:	testl	%r14d, %r14d
   150:	je	67
   152:	movl	88(%rbp), %eax
   155:	movq	32(%rsp), %rbx
   15a:	decl	%eax
   15c:	cmpl	%r12d, %eax
   15f:	jne	57
   161:	vpcmpeqd	%ymm5, %ymm5, %ymm5
   165:	nopw	%cs:(%rax,%rax)
   170:	movl	%r14d, %eax
   173:	andl	$7, %eax
   176:	vmovdqa	%ymm5, 96(%rsp)
   17c:	incl	%r14d
   17f:	movl	$0, 96(%rsp,%rax,4)
   187:	vmovdqa	96(%rsp), %ymm5
   18d:	cmpl	$8, %r14d
   191:	jb	-35
   193:	jmp	5
   195:	movq	32(%rsp), %rbx
   19a:	vmovd	64(%rsp), %xmm1
   1a0:	vptest	%ymm5, %ymm5
   1a5:	vpslld	$3, %xmm1, %xmm1
   1aa:	vpbroadcastd	%xmm1, %ymm1
   1af:	vpaddd	%ymm1, %ymm0, %ymm4
   1b3:	je	62
   1b5:	movq	16(%rbx), %rdi
   1b9:	vpxor	%xmm1, %xmm1, %xmm1
   1bd:	vmovdqa	%ymm4, %ymm0
   1c1:	vmovdqa	%ymm5, 32(%rsp)
   1c7:	vmovdqa	%ymm4, 64(%rsp)
   1cd:	movq	504(%rdi), %rax
   1d4:	addq	$256, %rdi
   1db:	movq	40(%rax), %rax
   1df:	callq	*(%rax)
   1e1:	vmovdqa	64(%rsp), %ymm4
   1e7:	vmovdqa	32(%rsp), %ymm5
   1ed:	vaddps	%ymm3, %ymm0, %ymm0
   1f1:	jmp	4
   1f3:	vpxor	%xmm0, %xmm0, %xmm0
   1f7:	movabsq	$139708022054912, %rax
   201:	movq	16(%rsp), %rsi
   206:	vpxor	%xmm2, %xmm2, %xmm2
   20a:	vpcmpeqd	%xmm2, %xmm5, %xmm3
   20e:	vpbroadcastd	(%rax), %ymm1
   213:	vmovd	%xmm3, %eax
   217:	notl	%eax
   219:	vpand	%ymm1, %ymm4, %ymm1
   21d:	testb	$1, %al
   21f:	je	28
   221:	movq	16(%rbx), %rax
   225:	vmovd	%xmm1, %ecx
   229:	movl	8(%rax), %edx
   22c:	sarl	$2, %edx
   22f:	cmpl	%edx, %ecx
   231:	jae	10
   233:	movq	(%rax), %rax
   236:	movl	%ecx, %ecx
   238:	vmovss	%xmm0, (%rax,%rcx,4)
   23d:	vpcmpeqd	%xmm2, %xmm5, %xmm3
   241:	vpcmpeqd	%xmm2, %xmm2, %xmm2
   245:	vpxor	%xmm2, %xmm3, %xmm3
   249:	vpextrb	$4, %xmm3, %eax
   24f:	testb	$1, %al
   251:	je	32
   253:	movq	16(%rbx), %rax
   257:	vpextrd	$1, %xmm1, %ecx
   25d:	movl	8(%rax), %edx
   260:	sarl	$2, %edx
   263:	cmpl	%edx, %ecx
   265:	jae	12
   267:	movq	(%rax), %rax
   26a:	movl	%ecx, %ecx
   26c:	vextractps	$1, %xmm0, (%rax,%rcx,4)
   273:	vpxor	%xmm3, %xmm3, %xmm3
   277:	vpcmpeqd	%xmm3, %xmm5, %xmm4
   27b:	vpxor	%xmm2, %xmm4, %xmm2
   27f:	vpextrb	$8, %xmm2, %eax
   285:	testb	$1, %al
   287:	je	32
   289:	movq	16(%rbx), %rax
   28d:	vpextrd	$2, %xmm1, %ecx
   293:	movl	8(%rax), %edx
   296:	sarl	$2, %edx
   299:	cmpl	%edx, %ecx
   29b:	jae	12
   29d:	movq	(%rax), %rax
   2a0:	movl	%ecx, %ecx
   2a2:	vextractps	$2, %xmm0, (%rax,%rcx,4)
   2a9:	vpcmpeqd	%xmm3, %xmm5, %xmm2
   2ad:	vpcmpeqd	%xmm3, %xmm3, %xmm3
   2b1:	vpxor	%xmm3, %xmm2, %xmm2
   2b5:	vpextrb	$12, %xmm2, %eax
   2bb:	testb	$1, %al
   2bd:	je	32
   2bf:	movq	16(%rbx), %rax
   2c3:	vpextrd	$3, %xmm1, %ecx
   2c9:	movl	8(%rax), %edx
   2cc:	sarl	$2, %edx
   2cf:	cmpl	%edx, %ecx
   2d1:	jae	12
   2d3:	movq	(%rax), %rax
   2d6:	movl	%ecx, %ecx
   2d8:	vextractps	$3, %xmm0, (%rax,%rcx,4)
   2df:	vextracti128	$1, %ymm5, %xmm2
   2e5:	vextracti128	$1, %ymm1, %xmm1
   2eb:	vpxor	%xmm4, %xmm4, %xmm4
   2ef:	vpcmpeqd	%xmm4, %xmm2, %xmm4
   2f3:	vpxor	%xmm3, %xmm4, %xmm3
   2f7:	vpextrb	$0, %xmm3, %eax
   2fd:	testb	$1, %al
   2ff:	je	34
   301:	movq	16(%rbx), %rax
   305:	vmovd	%xmm1, %ecx
   309:	movl	8(%rax), %edx
   30c:	sarl	$2, %edx
   30f:	cmpl	%edx, %ecx
   311:	jae	16
   313:	movq	(%rax), %rax
   316:	vextractf128	$1, %ymm0, %xmm3
   31c:	movl	%ecx, %ecx
   31e:	vmovss	%xmm3, (%rax,%rcx,4)
   323:	vpcmpeqd	%xmm3, %xmm3, %xmm3
   327:	vpxor	%xmm3, %xmm4, %xmm4
   32b:	vpextrb	$4, %xmm4, %eax
   331:	testb	$1, %al
   333:	je	38
   335:	movq	16(%rbx), %rax
   339:	vpextrd	$1, %xmm1, %ecx
   33f:	movl	8(%rax), %edx
   342:	sarl	$2, %edx
   345:	cmpl	%edx, %ecx
   347:	jae	18
   349:	movq	(%rax), %rax
   34c:	vextractf128	$1, %ymm0, %xmm4
   352:	movl	%ecx, %ecx
   354:	vextractps	$1, %xmm4, (%rax,%rcx,4)
   35b:	vpxor	%xmm4, %xmm4, %xmm4
   35f:	vpcmpeqd	%xmm4, %xmm2, %xmm2
   363:	vpxor	%xmm3, %xmm2, %xmm3
   367:	vpextrb	$8, %xmm3, %eax
   36d:	testb	$1, %al
   36f:	je	38
   371:	movq	16(%rbx), %rax
   375:	vpextrd	$2, %xmm1, %ecx
   37b:	movl	8(%rax), %edx
   37e:	sarl	$2, %edx
   381:	cmpl	%edx, %ecx
   383:	jae	18
   385:	movq	(%rax), %rax
   388:	vextractf128	$1, %ymm0, %xmm3
   38e:	movl	%ecx, %ecx
   390:	vextractps	$2, %xmm3, (%rax,%rcx,4)
   397:	addq	24(%rsp), %rsi
   39c:	vpcmpeqd	%xmm3, %xmm3, %xmm3
   3a0:	vpxor	%xmm3, %xmm2, %xmm2
   3a4:	vpextrb	$12, %xmm2, %eax
   3aa:	testb	$1, %al
   3ac:	je	38
   3ae:	movq	16(%rbx), %rax
   3b2:	vpextrd	$3, %xmm1, %ecx
   3b8:	movl	8(%rax), %edx
   3bb:	sarl	$2, %edx
   3be:	cmpl	%edx, %ecx
   3c0:	jae	18
   3c2:	movq	(%rax), %rax
   3c5:	vextractf128	$1, %ymm0, %xmm0
   3cb:	movl	%ecx, %ecx
   3cd:	vextractps	$3, %xmm0, (%rax,%rcx,4)
   3d4:	movq	$0, (%rsi)
   3db:	movq	%rsi, %rax
   3de:	leaq	-40(%rbp), %rsp
   3e2:	popq	%rbx
   3e3:	popq	%r12
   3e5:	popq	%r13
   3e7:	popq	%r14
   3e9:	popq	%r15
   3eb:	popq	%rbp
   3ec:	vzeroupper
   3ef:	retq


